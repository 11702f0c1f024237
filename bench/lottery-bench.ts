// One full lottery-ticket run end to end, as `ticketlab run` trains it: the real RunsService with one
// trainer worker thread, the real SQLite run store in a temporary folder, the real dataset. The wall time
// covers everything a user waits for: worker start, backend choice, data loading and staging, every
// round's training and evaluations, pruning, and the store writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/main/store/db';
import { runDetail } from '../src/main/runs/queries';
import { RunsService } from '../src/main/runs/service';
import { median } from './engine-bench';

export interface LotteryRunStats {
  /** Median wall time, seconds. */
  median: number;
  samples: number[];
  rounds: number;
  backend: string | null;
  /** Test accuracy at the early-stop iteration of the last round of the last run. */
  lastRoundAccuracy: number;
  /** Percent of weights remaining in the last round. */
  lastRoundPercent: number;
}

/** Train the spec in `specFile` `runs` times, each in a fresh store; the wall time of each run. */
export async function benchLotteryRun(o: { specFile: string; runs: number }): Promise<LotteryRunStats> {
  const spec = JSON.parse(readFileSync(o.specFile, 'utf8')) as unknown;
  const samples: number[] = [];
  let last: ReturnType<typeof runDetail> | null = null;
  for (let r = 0; r < o.runs; r++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketlab-bench-lt-'));
    const store = openStore(path.join(dir, 'runs.sqlite'));
    try {
      const t0 = performance.now();
      const svc = new RunsService(store, { workers: 1 });
      try {
        const { id } = svc.create(spec);
        const status = await svc.waitFor(id);
        samples.push((performance.now() - t0) / 1000);
        last = runDetail(store, id);
        if (status !== 'completed') throw new Error(`the benchmark run ended ${status}: ${last.summary.error ?? 'no error recorded'}`);
      } finally {
        await svc.close();
      }
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const final = last!.rounds[last!.rounds.length - 1];
  return {
    median: median(samples),
    samples,
    rounds: last!.rounds.length,
    backend: last!.summary.backend,
    lastRoundAccuracy: final?.earlyStopTestAccuracy ?? Number.NaN,
    lastRoundPercent: final?.percentRemaining ?? Number.NaN,
  };
}
