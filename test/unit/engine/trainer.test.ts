// The trainer end to end on tiny nets and synthetic data: learning, evaluation schedule, frozen weights,
// determinism, no tensor leaks, cancellation. No stock gradients are registered in this file: training
// must work with the engine's own custom gradients alone.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { NetDef } from '../../../src/common/nets';
import { BatchOrder, stageData } from '../../../src/main/engine/data';
import { assertNoLeak, earlyStop, Trainer, type EvalPoint, type RoundInput, type TrainingSpec } from '../../../src/main/engine/trainer';
import {
  BACKENDS,
  bitIdentical,
  layerSizes,
  normals,
  randomWeights,
  syntheticDataset,
  TINY_CONV,
  TINY_FC,
  useBackend,
  type TestBackend,
} from './helpers';

const TRAINING: TrainingSpec = { optimizer: 'adam', lr: 0.01, momentum: 0.9, batchSize: 16, iterations: 60, evalEvery: 25 };

function allTrainable(net: NetDef): Uint8Array[] {
  return layerSizes(net).map((n) => new Uint8Array(n).fill(1));
}

function roundInput(net: NetDef, extra: Partial<RoundInput> = {}): RoundInput {
  return { ...randomWeights(net, 3), trainable: allTrainable(net), seed: 11, round: 0, ...extra };
}

/** Train one round on a fresh trainer over freshly staged data; everything is disposed afterwards. */
async function trainOnce(backend: TestBackend, net: NetDef, training: TrainingSpec, input: RoundInput) {
  await useBackend(backend);
  const data = stageData(syntheticDataset(net));
  const trainer = new Trainer(net, data, training);
  try {
    return await trainer.trainRound(input);
  } finally {
    trainer.dispose();
    data.dispose();
  }
}

describe('BatchOrder', () => {
  it('covers every example exactly once per epoch, batches running across epoch boundaries', () => {
    const order = new BatchOrder(10, 5, 0);
    const seen = Array.from({ length: 12 }, () => Array.from(order.next(5))).flat(); // 60 = 6 epochs
    for (let e = 0; e < 6; e++) expect(seen.slice(e * 10, e * 10 + 10).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(order.epoch).toBe(6);
    // a batch straddling the boundary: 3 + 4 = 7 → the second batch takes 3 from epoch 1 and 1 from epoch 2
    const o2 = new BatchOrder(4, 5, 0);
    expect(o2.next(3).length).toBe(3);
    expect(o2.next(3).length).toBe(3);
    expect(o2.epoch).toBe(2);
  });

  it('depends on the seed and the round, and on nothing else', () => {
    const take = (seed: number, round: number) => Array.from(new BatchOrder(50, seed, round).next(50));
    expect(take(1, 0)).toEqual(take(1, 0));
    expect(take(1, 0)).not.toEqual(take(2, 0));
    expect(take(1, 0)).not.toEqual(take(1, 1));
  });
});

describe('stageData', () => {
  it('scales pixels by 1/255 and builds one-hot and integer labels', async () => {
    await useBackend('wasm');
    const split = { images: Uint8Array.from([0, 255, 51, 102]), labels: Uint8Array.from([2, 9]), count: 2 };
    const data = stageData({ imageShape: [1, 2, 1], train: split, validation: split, test: { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 } });
    try {
      expect(Array.from(data.train.images.dataSync())).toEqual([0, 1, 51 / 255, 102 / 255].map(Math.fround));
      expect(data.train.images.shape).toEqual([2, 2]);
      expect(Array.from(data.train.labels.dataSync())).toEqual([2, 9]);
      const onehot = data.train.onehot.dataSync();
      expect(onehot[2]).toBe(1);
      expect(onehot[19]).toBe(1);
      expect(Array.from(onehot).reduce((a, b) => a + b, 0)).toBe(2);
      expect(data.test.count).toBe(0);
    } finally {
      data.dispose();
      data.dispose(); // idempotent
    }
  });

  it('rejects inconsistent splits and leaves nothing behind', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const good = { images: new Uint8Array(4), labels: new Uint8Array(2), count: 2 };
    const bad = { images: new Uint8Array(3), labels: new Uint8Array(2), count: 2 };
    expect(() => stageData({ imageShape: [1, 2, 1], train: good, validation: good, test: bad })).toThrow(/test split/);
    expect(() => stageData({ imageShape: [1, 2, 1], train: good, validation: { ...good, labels: Uint8Array.from([1, 10]) }, test: good })).toThrow(/label 10/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Trainer', () => {
  it('learns a synthetic task: validation loss falls and test accuracy beats chance (FC, wasm)', async () => {
    const result = await trainOnce('wasm', TINY_FC, { ...TRAINING, iterations: 150, evalEvery: 50 }, roundInput(TINY_FC));
    const [first, , last] = result.evals;
    expect(result.evals.map((e) => e.iteration)).toEqual([50, 100, 150]);
    expect(last.valLoss).toBeLessThan(first.valLoss);
    expect(last.trainLoss).toBeLessThan(first.trainLoss);
    expect(last.testAccuracy).toBeGreaterThan(0.5);
  });

  it('learns with conv layers too (tiny conv net, wasm)', async () => {
    const result = await trainOnce('wasm', TINY_CONV, { ...TRAINING, iterations: 120, evalEvery: 40 }, roundInput(TINY_CONV));
    expect(result.evals.at(-1)!.valLoss).toBeLessThan(result.evals[0].valLoss);
    expect(result.evals.at(-1)!.testAccuracy).toBeGreaterThan(0.3);
  });

  it('evaluates every evalEvery iterations and at the last; trainLoss is the mean minibatch loss since the previous evaluation', async () => {
    const losses: { iteration: number; loss: number }[] = [];
    const evals: EvalPoint[] = [];
    const result = await trainOnce('cpu', TINY_FC, { ...TRAINING, iterations: 60, evalEvery: 25 }, roundInput(TINY_FC, {
      progressEvery: 1,
      onProgress: (p) => losses.push(p),
      onEval: (e) => evals.push(e),
    }));
    expect(result.evals.map((e) => e.iteration)).toEqual([25, 50, 60]);
    expect(evals).toEqual(result.evals);
    expect(losses.map((l) => l.iteration)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const mean = (from: number, to: number) => losses.slice(from, to).reduce((a, l) => a + l.loss, 0) / (to - from);
    expect(result.evals[0].trainLoss).toBeCloseTo(mean(0, 25), 5);
    expect(result.evals[1].trainLoss).toBeCloseTo(mean(25, 50), 5);
    expect(result.evals[2].trainLoss).toBeCloseTo(mean(50, 60), 5);
    for (const e of result.evals) {
      expect(e.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.testAccuracy).toBeLessThanOrEqual(1);
      expect(Number.isInteger(e.testAccuracy * 60)).toBe(true); // 60 test images
      expect(Number.isInteger(e.valAccuracy * 50)).toBe(true); // 50 validation images
    }
  });

  it('reports progress every progressEvery steps (default 50)', async () => {
    const seen: number[] = [];
    await trainOnce('cpu', TINY_FC, { ...TRAINING, iterations: 120, evalEvery: 120 }, roundInput(TINY_FC, { onProgress: (p) => seen.push(p.iteration) }));
    expect(seen).toEqual([50, 100]);
  });

  for (const net of [TINY_FC, TINY_CONV]) {
    for (const backend of BACKENDS) {
      it(`keeps frozen weights bit-identical, zeros and nonzeros alike (${net.label}, ${backend})`, async () => {
        const w = randomWeights(net, 5);
        const trainable = layerSizes(net).map((n, l) => Uint8Array.from({ length: n }, (_, i) => ((i * 13 + l) % 3 === 0 ? 0 : 1)));
        // Frozen entries: a third at 0 (pruned), the rest at their nonzero value (mask-0 'init'), one at −0.
        const kernels = w.kernels.map((k, l) => k.map((v, i) => (trainable[l][i] === 0 && i % 2 === 0 ? 0 : v)));
        kernels[0][0] = -0;
        trainable[0][0] = 0;
        for (const optimizer of ['adam', 'momentum', 'sgd'] as const) {
          const result = await trainOnce(backend, net, { ...TRAINING, optimizer, iterations: 30, evalEvery: 30 }, {
            kernels, biases: w.biases, trainable, seed: 2, round: 1,
          });
          result.kernels.forEach((k, l) => {
            let moved = 0;
            for (let i = 0; i < k.length; i++) {
              if (trainable[l][i] === 0) {
                expect(bitIdentical(k.subarray(i, i + 1), kernels[l].subarray(i, i + 1)), `${optimizer} layer ${l} [${i}]`).toBe(true);
              } else if (k[i] !== kernels[l][i]) {
                moved++;
              }
            }
            expect(moved, `${optimizer}: trainable weights of layer ${l} should move`).toBeGreaterThan(0);
          });
          expect(result.biases.some((b, l) => b.some((v, i) => v !== w.biases[l][i]))).toBe(true);
        }
      });
    }
  }

  for (const backend of BACKENDS) {
    it(`is deterministic: same inputs and seed give identical numbers; another seed does not (${backend})`, async () => {
      const training = { ...TRAINING, iterations: 40, evalEvery: 20 };
      const a = await trainOnce(backend, TINY_CONV, training, roundInput(TINY_CONV));
      const b = await trainOnce(backend, TINY_CONV, training, roundInput(TINY_CONV));
      const c = await trainOnce(backend, TINY_CONV, training, roundInput(TINY_CONV, { seed: 12 }));
      a.kernels.forEach((k, l) => expect(bitIdentical(k, b.kernels[l])).toBe(true));
      a.biases.forEach((k, l) => expect(bitIdentical(k, b.biases[l])).toBe(true));
      expect(b.evals).toEqual(a.evals);
      expect(bitIdentical(a.kernels[0], c.kernels[0])).toBe(false);
    });
  }

  it('leaves the live tensor count unchanged across consecutive rounds (no leaks)', async () => {
    await useBackend('wasm');
    const data = stageData(syntheticDataset(TINY_CONV));
    const trainer = new Trainer(TINY_CONV, data, { ...TRAINING, iterations: 20, evalEvery: 10 });
    try {
      const start = tf.memory().numTensors;
      const trainable = allTrainable(TINY_CONV);
      trainable[1] = trainable[1].map((_, i) => i % 2); // a masked round, as after pruning
      const r1 = await trainer.trainRound(roundInput(TINY_CONV, { progressEvery: 3, onProgress: () => undefined }));
      const afterFirst = tf.memory().numTensors;
      assertNoLeak(start, afterFirst, 'round 0');
      await trainer.trainRound({ kernels: r1.kernels, biases: r1.biases, trainable, seed: 11, round: 1 });
      assertNoLeak(afterFirst, tf.memory().numTensors, 'round 1');
    } finally {
      trainer.dispose();
      data.dispose();
    }
  });

  it('stops promptly when asked, returning the weights and evaluations so far', async () => {
    await useBackend('wasm');
    const data = stageData(syntheticDataset(TINY_FC));
    const trainer = new Trainer(TINY_FC, data, { ...TRAINING, iterations: 10_000, evalEvery: 10 });
    try {
      const before = tf.memory().numTensors;
      let polls = 0;
      const result = await trainer.trainRound(roundInput(TINY_FC, { shouldStop: () => ++polls > 35 }));
      expect(result.stopped).toBe(true);
      expect(result.evals.length).toBeGreaterThanOrEqual(1);
      expect(result.evals.length).toBeLessThanOrEqual(3);
      expect(result.kernels.length).toBe(TINY_FC.layers.length);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      trainer.dispose();
      data.dispose();
    }
  });

  it('reports NaN validation numbers for an empty validation split', async () => {
    await useBackend('cpu');
    const ds = syntheticDataset(TINY_FC);
    const data = stageData({ ...ds, validation: { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 } });
    const trainer = new Trainer(TINY_FC, data, { ...TRAINING, iterations: 10, evalEvery: 10 });
    try {
      const { evals } = await trainer.trainRound(roundInput(TINY_FC));
      expect(evals[0].valLoss).toBeNaN();
      expect(evals[0].testLoss).toBeGreaterThan(0);
      expect(earlyStop(evals)).toBe(evals[0]);
    } finally {
      trainer.dispose();
      data.dispose();
    }
  });

  it('rejects mismatched inputs with clear messages', async () => {
    await useBackend('cpu');
    const data = stageData(syntheticDataset(TINY_FC));
    expect(() => new Trainer(TINY_CONV, data, TRAINING)).toThrow(/4x4x2 images/);
    const trainer = new Trainer(TINY_FC, data, TRAINING);
    try {
      const bad = roundInput(TINY_FC);
      bad.trainable[1] = new Uint8Array(3);
      await expect(trainer.trainRound(bad)).rejects.toThrow(/dense2: trainable mask must have 96 entries/);
      const badK = roundInput(TINY_FC);
      badK.kernels[0] = normals(5, 1);
      await expect(trainer.trainRound(badK)).rejects.toThrow(/dense1: kernel has 5 values/);
    } finally {
      trainer.dispose();
      data.dispose();
    }
  });
});

describe('earlyStop and assertNoLeak', () => {
  const point = (iteration: number, valLoss: number): EvalPoint => ({
    iteration, valLoss, trainLoss: 1, testLoss: 1, testAccuracy: iteration / 1000, valAccuracy: 0,
  });

  it('picks the minimum validation loss, the first one on ties, skipping NaN', () => {
    expect(earlyStop([point(100, 0.5), point(200, 0.3), point(300, 0.3), point(400, 0.4)]).iteration).toBe(200);
    expect(earlyStop([point(100, Number.NaN), point(200, 0.9), point(300, 1)]).iteration).toBe(200);
    expect(earlyStop([point(100, Number.NaN), point(200, Number.NaN)]).iteration).toBe(200);
    expect(() => earlyStop([])).toThrow();
  });

  it('assertNoLeak passes on equal counts and names the difference otherwise', () => {
    expect(() => assertNoLeak(10, 10, 'x')).not.toThrow();
    expect(() => assertNoLeak(10, 13, 'round 2')).toThrow(/round 2: 13 live tensors after, 10 before \(\+3\)/);
  });
});
