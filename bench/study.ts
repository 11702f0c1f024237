// FC study throughput: several seeds of one study training at once, one worker thread per core (what the
// runs service does: RunsService starts one trainer worker per core by default). Each worker trains its
// own seed's masked LeNet-300-100 with the real Trainer; all start together after a warm-up, and the
// throughput is seed-iterations per second of wall time (sum over workers of iterations / wall time until
// the last one finishes).
//
// The workers run this same bundle (out/node/bench.js): `isStudyWorker()` tells the entry to call
// `studyWorkerMain()` instead of the bench's main.
//
// Not done here, measured instead: training the seeds as ONE batched network. tfjs's wasm BatchMatMul
// takes XNNPACK only for batch 1 and falls back to a naive loop otherwise ([2,300,784]x[2,784,60]:
// 43.5 ms vs 2 x 1.8 ms as two plain matMuls), so batching seeds would only save per-op overhead, at the
// price of a second training path; a worker per core uses every core with the real trainer.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { NETS } from '../src/common/nets';
import type { BackendPref } from '../src/common/spec';
import { initBackend } from '../src/main/engine/backend';
import { Trainer } from '../src/main/engine/trainer';
import { fcTraining, FC_TRAIN_COUNT, median, prunedStart, ROUND_3_KEEP, syntheticStaged } from './engine-bench';

const ROLE = 'ticketlab-bench-fc-study';

interface StudyWorkerData {
  role: typeof ROLE;
  seed: number;
  iterations: number;
  backend: BackendPref;
}

type ToWorker = { type: 'go'; round: number } | { type: 'stop' };
type FromWorker = { type: 'ready'; backend: string } | { type: 'done'; round: number } | { type: 'error'; message: string };

/** True inside a study worker thread started by benchFcStudy. */
export function isStudyWorker(): boolean {
  return !isMainThread && (workerData as Partial<StudyWorkerData> | null)?.role === ROLE;
}

/** A study worker: warm up, then train one round of `iterations` steps per 'go', until 'stop'. */
export async function studyWorkerMain(): Promise<void> {
  const port = parentPort!;
  const data = workerData as StudyWorkerData;
  const post = (m: FromWorker) => port.postMessage(m);
  try {
    const info = await initBackend(data.backend);
    const net = NETS.fc;
    const staged = syntheticStaged(net, FC_TRAIN_COUNT);
    const start = prunedStart(net, ROUND_3_KEEP, data.seed);
    const warm = new Trainer(net, staged, fcTraining(Math.max(1, Math.ceil(data.iterations / 5))));
    await warm.trainRound({ ...start, seed: data.seed, round: 0 });
    warm.dispose();
    const trainer = new Trainer(net, staged, fcTraining(data.iterations));
    port.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        trainer.dispose();
        staged.dispose();
        port.close();
        return;
      }
      trainer.trainRound({ ...start, seed: data.seed, round: m.round }).then(
        () => post({ type: 'done', round: m.round }),
        (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
    });
    post({ type: 'ready', backend: info.name });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

export interface StudyStats {
  /** Median seed-iterations per second. */
  median: number;
  samples: number[];
  workers: number;
  backend: string;
}

/**
 * Start `workers` threads (seeds 0..workers−1) running this bundle (`entry`), time `repeats` rounds of
 * `iterations` steps each, all workers starting together.
 */
export async function benchFcStudy(o: {
  entry: URL;
  workers: number;
  iterations: number;
  repeats: number;
  backend: BackendPref;
}): Promise<StudyStats> {
  const threads = Array.from({ length: o.workers }, (_, seed) => {
    const data: StudyWorkerData = { role: ROLE, seed, iterations: o.iterations, backend: o.backend };
    return new Worker(o.entry, { workerData: data });
  });
  const inbox = threads.map((w) => {
    const queue: FromWorker[] = [];
    let wake: (() => void) | null = null;
    w.on('message', (m: FromWorker) => {
      queue.push(m);
      wake?.();
    });
    w.on('error', (err) => {
      queue.push({ type: 'error', message: err.message });
      wake?.();
    });
    return async (): Promise<FromWorker> => {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      wake = null;
      return queue.shift()!;
    };
  });
  const expect = async (type: FromWorker['type']): Promise<FromWorker[]> => {
    const got = await Promise.all(inbox.map((next) => next()));
    const failed = got.find((m) => m.type === 'error');
    if (failed && failed.type === 'error') throw new Error(`study worker failed: ${failed.message}`);
    if (got.some((m) => m.type !== type)) throw new Error(`study workers: expected '${type}', got ${got.map((m) => m.type).join(', ')}`);
    return got;
  };
  try {
    const ready = await expect('ready');
    const samples: number[] = [];
    for (let r = 1; r <= o.repeats; r++) {
      const t0 = performance.now();
      for (const w of threads) w.postMessage({ type: 'go', round: r } satisfies ToWorker);
      await expect('done');
      samples.push((o.workers * o.iterations) / ((performance.now() - t0) / 1000));
    }
    return { median: median(samples), samples, workers: o.workers, backend: (ready[0] as { backend: string }).backend };
  } finally {
    for (const w of threads) w.postMessage({ type: 'stop' } satisfies ToWorker);
    await Promise.all(threads.map((w) => w.terminate().catch(() => undefined)));
  }
}
