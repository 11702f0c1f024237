// Engine benchmarks: training throughput of the real Trainer on the active tfjs backend, in this thread.
//
// Both benchmarks train on synthetic images (the speed of a step does not depend on pixel values) with
// empty validation and test splits, so the timings are training steps only. Weights are the seeded w_0
// of the net (science/init.ts); "masked" runs freeze a seeded random share of every kernel at 0, as a
// pruning round does (weights remaining 0.8³ per hidden layer, 0.9³ for the output: round 3 of Z19's FC
// schedule), so they include the cost of masking.
import * as tf from '@tensorflow/tfjs-core';
import { NETS, kernelSize, type NetDef, type NetId } from '../src/common/nets';
import { initBackend, activeBackend, type BackendInfo } from '../src/main/engine/backend';
import { stageData, Trainer, type StagedData, type TrainingSpec } from '../src/main/engine/trainer';
import { initNet } from '../src/main/science/init';
import { stream } from '../src/main/science/rng';

export interface BenchStats {
  /** Median over the timed repeats. */
  median: number;
  samples: number[];
  /** The same throughput measured on this process's CPU time (less sensitive to other load). */
  cpuMedian: number;
  backend: BackendInfo['name'];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function ensureBackend(): Promise<BackendInfo> {
  return activeBackend() ?? initBackend('auto');
}

/** Seeded random bytes as `count` images of the net's input shape, with labels 0..9. */
export function syntheticStaged(net: NetDef, count: number): StagedData {
  const [h, w, c] = net.inputShape;
  const size = h * w * c;
  const rng = stream(0, 'weight_init', 0, 'bench-images');
  const images = new Uint8Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const empty = { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };
  return stageData({ imageShape: [h, w, c], train: { images, labels, count }, validation: empty, test: empty });
}

/** Trainable masks keeping `keep` of each kernel by kind (seeded), and w_0 with pruned entries at 0. */
export function prunedStart(net: NetDef, keep: { conv: number; dense: number; output: number } | null, seed = 0) {
  const { kernels, biases } = initNet(net, seed);
  const trainable = net.layers.map((l, i) => {
    const m = new Uint8Array(kernelSize(l)).fill(1);
    if (keep) {
      const rng = stream(0, 'tie_break', 0, i);
      for (let j = 0; j < m.length; j++) m[j] = rng.float() < keep[l.kind] ? 1 : 0;
    }
    return m;
  });
  const start = kernels.map((k, i) => k.map((v, j) => (trainable[i][j] ? v : 0)));
  return { kernels: start, biases, trainable };
}

export const ROUND_3_KEEP = { conv: 0.9 ** 3, dense: 0.8 ** 3, output: 0.9 ** 3 };

/** The FC benchmark's training settings (Z19's LeNet-300-100: batch 60, Adam 1.2e-3). */
export function fcTraining(iterations: number): TrainingSpec {
  return { optimizer: 'adam', lr: 1.2e-3, momentum: 0.9, batchSize: 60, iterations, evalEvery: iterations };
}

/** Training images the FC benchmarks gather batches from. */
export const FC_TRAIN_COUNT = 10_000;

/** Time `repeats` training rounds of `iterations` steps after one warm-up round; returns it/s stats. */
async function timeRounds(net: NetDef, training: TrainingSpec, iterations: number, repeats: number, masked: boolean, trainCount: number) {
  const info = await ensureBackend();
  const data = syntheticStaged(net, trainCount);
  const start = prunedStart(net, masked ? ROUND_3_KEEP : null);
  const warm = new Trainer(net, data, { ...training, iterations: Math.max(1, Math.ceil(iterations / 5)), evalEvery: 1_000_000 });
  const trainer = new Trainer(net, data, { ...training, iterations, evalEvery: iterations });
  const wall: number[] = [];
  const cpu: number[] = [];
  try {
    await warm.trainRound({ ...start, seed: 0, round: 0 });
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await trainer.trainRound({ ...start, seed: 0, round: r });
      const c = process.cpuUsage(c0);
      wall.push(iterations / ((performance.now() - t0) / 1000));
      cpu.push(iterations / ((c.user + c.system) / 1e6));
    }
  } finally {
    warm.dispose();
    trainer.dispose();
    data.dispose();
  }
  return { wall, cpu, backend: info.name };
}

/**
 * FC (LeNet-300-100) training throughput: batch 60, Adam (lr 1.2e-3), median over `repeats` timed runs
 * of `iterations` steps after a warm-up; `masked` (default true) as in a pruning round.
 */
export async function benchFcItersPerSec(opts: { iterations: number; repeats: number; masked?: boolean }): Promise<BenchStats> {
  const training = fcTraining(opts.iterations);
  const { wall, cpu, backend } = await timeRounds(NETS.fc, training, opts.iterations, opts.repeats, opts.masked ?? true, FC_TRAIN_COUNT);
  return { median: median(wall), samples: wall, cpuMedian: median(cpu), backend };
}

/** One training step of a conv net (batch 60, Adam), in milliseconds: median over a few steps after a warm-up. */
export async function benchConvStep(net: NetId | NetDef, opts: { steps?: number; repeats?: number } = {}): Promise<BenchStats> {
  const def = typeof net === 'string' ? NETS[net] : net;
  const steps = opts.steps ?? 2;
  const training: TrainingSpec = { optimizer: 'adam', lr: 2e-4, momentum: 0.9, batchSize: 60, iterations: steps, evalEvery: steps };
  const { wall, cpu, backend } = await timeRounds(def, training, steps, opts.repeats ?? 2, false, 600);
  const ms = (itPerSec: number) => 1000 / itPerSec;
  return { median: ms(median(wall)), samples: wall.map(ms), cpuMedian: ms(median(cpu)), backend };
}

/** Live tensors now (for a leak check around benchmarks). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
