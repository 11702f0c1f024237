// Masked optimizers: frozen entries stay bit-identical through every step (SCIENCE.md §2), the updates
// follow TF1 Adam / TF momentum / SGD, and the wasm SIMD loop equals the scalar reference bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_IDS } from '../../../src/common/spec';
import { adamUpdate, fusedStep, type UpdateKind } from '../../../src/main/engine/fused-optimizer';
import {
  ADAM_BETA1,
  ADAM_BETA2,
  ADAM_EPSILON,
  createOptimizer,
  type MaskedParam,
  type OptimizerImplementation,
  type TrainingHyper,
} from '../../../src/main/engine/optimizers';
import { buildUpdateModule } from '../../../src/main/engine/simd';
import { BACKENDS, bitIdentical, normals, useBackend } from './helpers';

const SIZES = [23, 16]; // one not a multiple of 4 (SIMD tail), one that is
const STEPS = 25;

/** A mask with ~40% frozen entries, and start values whose frozen entries include 0, −0 and nonzeros. */
function fixture(n: number, seed: number) {
  const mask = Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 5 < 2 ? 0 : 1));
  const w = normals(n, seed, 0.3);
  w[0] = -0;
  w[1] = 0;
  mask[0] = 0;
  mask[1] = 0;
  mask[2] = 0; // a nonzero frozen value
  return { mask, w };
}

/** Run `steps` optimizer steps with seeded random gradients; returns every parameter's final values. */
async function run(
  backend: string,
  hyper: TrainingHyper,
  implementation: OptimizerImplementation,
  masked: boolean,
): Promise<{ start: Float32Array[]; end: Float32Array[]; masks: Float32Array[] }> {
  await useBackend(backend as 'cpu' | 'wasm');
  const fixtures = SIZES.map((n, i) => fixture(n, i + 1));
  const params: MaskedParam[] = fixtures.map((f) => ({
    variable: tf.tidy(() => tf.variable(tf.tensor1d(f.w))),
    mask: masked ? tf.tensor1d(f.mask) : null,
  }));
  const optimizer = createOptimizer(hyper, params, implementation);
  try {
    for (let s = 0; s < STEPS; s++) {
      tf.tidy(() => optimizer.step(SIZES.map((n, i) => tf.tensor1d(normals(n, 1000 + s * 10 + i)))));
    }
    return {
      start: fixtures.map((f) => f.w),
      end: params.map((p) => p.variable.dataSync() as Float32Array),
      masks: fixtures.map((f) => f.mask),
    };
  } finally {
    optimizer.dispose();
    tf.dispose(params.flatMap((p) => (p.mask ? [p.variable, p.mask] : [p.variable])));
  }
}

function hyperFor(optimizer: TrainingHyper['optimizer']): TrainingHyper {
  return { optimizer, lr: optimizer === 'adam' ? 0.01 : 0.05, momentum: 0.9 };
}

/** Float64 reference of the same updates (TF1 Adam, TF momentum, SGD), on one array. */
function reference(kind: UpdateKind, w0: Float32Array, mask: Float32Array | null, seedBase: number, index: number): Float64Array {
  const { lr, momentum } = hyperFor(kind);
  const w = Float64Array.from(w0);
  const m = new Float64Array(w.length);
  const v = new Float64Array(w.length);
  for (let s = 0; s < STEPS; s++) {
    const g = normals(w.length, seedBase + s * 10 + index);
    const t = s + 1;
    const lrT = (lr * Math.sqrt(1 - ADAM_BETA2 ** t)) / (1 - ADAM_BETA1 ** t);
    for (let i = 0; i < w.length; i++) {
      if (mask && mask[i] === 0) continue;
      if (kind === 'adam') {
        m[i] = ADAM_BETA1 * m[i] + (1 - ADAM_BETA1) * g[i];
        v[i] = ADAM_BETA2 * v[i] + (1 - ADAM_BETA2) * g[i] * g[i];
        w[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + ADAM_EPSILON);
      } else if (kind === 'momentum') {
        m[i] = momentum * m[i] + g[i];
        w[i] -= lr * m[i];
      } else {
        w[i] -= lr * g[i];
      }
    }
  }
  return w;
}

const IMPLEMENTATIONS: OptimizerImplementation[] = ['fused', 'ops'];

describe('masked optimizers', () => {
  for (const kind of OPTIMIZER_IDS) {
    for (const impl of IMPLEMENTATIONS) {
      for (const backend of BACKENDS) {
        it(`${kind} (${impl}, ${backend}): frozen entries bit-identical after ${STEPS} steps, the rest follows the reference`, async () => {
          const { start, end, masks } = await run(backend, hyperFor(kind), impl, true);
          end.forEach((w, p) => {
            const ref = reference(kind, start[p], masks[p], 1000, p);
            for (let i = 0; i < w.length; i++) {
              if (masks[p][i] === 0) {
                expect(bitIdentical(w.subarray(i, i + 1), start[p].subarray(i, i + 1)), `param ${p}[${i}] moved`).toBe(true);
              } else {
                expect(w[i]).not.toBe(start[p][i]);
                expect(Math.abs(w[i] - ref[i]), `param ${p}[${i}]`).toBeLessThan(2e-6);
              }
            }
          });
          expect(Object.is(end[0][0], -0)).toBe(true);
        });
      }
    }

    it(`${kind}: without a mask every entry trains (fused and ops agree with the reference)`, async () => {
      for (const impl of IMPLEMENTATIONS) {
        const { start, end } = await run('wasm', hyperFor(kind), impl, false);
        end.forEach((w, p) => {
          const ref = reference(kind, start[p], null, 1000, p);
          for (let i = 0; i < w.length; i++) expect(Math.abs(w[i] - ref[i])).toBeLessThan(2e-6);
        });
      }
    });

    it(`${kind}: the wasm SIMD loop and the cpu scalar reference give identical bits`, async () => {
      const wasm = await run('wasm', hyperFor(kind), 'fused', true);
      const cpu = await run('cpu', hyperFor(kind), 'fused', true);
      wasm.end.forEach((w, p) => expect(bitIdentical(w, cpu.end[p])).toBe(true));
    });
  }

  it('a fresh optimizer starts from zero state (two optimizers give the same first step)', async () => {
    await useBackend('wasm');
    const results = [0, 1].map(() => {
      const v = tf.tidy(() => tf.variable(tf.tensor1d(normals(9, 5))));
      const opt = createOptimizer(hyperFor('adam'), [{ variable: v, mask: null }]);
      tf.tidy(() => opt.step([tf.tensor1d(normals(9, 6))]));
      const out = v.dataSync() as Float32Array;
      opt.dispose();
      v.dispose();
      return out;
    });
    expect(bitIdentical(results[0], results[1])).toBe(true);
  });

  it('creates and frees the same number of tensors (no leak per step or per optimizer)', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    await run('wasm', hyperFor('adam'), 'fused', true);
    await run('wasm', hyperFor('momentum'), 'ops', true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('SIMD update module', () => {
  it('is valid WebAssembly', () => {
    expect(WebAssembly.validate(buildUpdateModule())).toBe(true);
  });

  it('matches the scalar Adam on awkward values (denormals, large gradients, zero state)', async () => {
    await useBackend('wasm');
    const n = 40;
    const w = normals(n, 60);
    const g = Float32Array.from(normals(n, 61), (x, i) => (i % 5 === 0 ? x * 1e30 : i % 7 === 0 ? x * 1e-40 : x));
    const m = Float32Array.from(normals(n, 62), (x) => x * 0.01);
    const v = Float32Array.from(normals(n, 63), (x) => x * x * 1e-4);
    const mask = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const c = { lr: 0.003, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON, momentum: 0 };
    const expected = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    adamUpdate(w, g, mask, m, v, expected[0], expected[1], expected[2], c);
    const got = tf.tidy(() =>
      fusedStep('adam', tf.tensor1d(w), tf.tensor1d(g), tf.tensor1d(mask), [tf.tensor1d(m), tf.tensor1d(v)], c).map(
        (t) => t.dataSync() as Float32Array,
      ),
    );
    got.forEach((arr, k) => expect(bitIdentical(arr, expected[k]), `output ${k}`).toBe(true));
  });
});
