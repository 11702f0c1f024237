// The SIMD kernels (kernels.ts, simd.ts) against stock tfjs ops, at sizes that exercise both the 4x4 /
// 4-lane SIMD bulk and the scalar remainders, and the ops built on them (ops.ts) against autodiff.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hasIm2col, reluGrad, swapOuterInner, transpose2d, transposeBiasAct } from '../../../src/main/engine/kernels';
import { NetModel } from '../../../src/main/engine/model';
import { conv3x3Relu, convFilterGrad, convFilterGradByConv, denseTransposed, maxPool2x2 } from '../../../src/main/engine/ops';
import { BACKENDS, maxAbsDiff, normals, randomWeights, TINY_CONV, TINY_FC, useBackend } from './helpers';

const SHAPES: [number, number][] = [
  [8, 12], // whole 4x4 blocks
  [9, 13], // a remainder row and column
  [3, 2], // smaller than one block
  [61, 300], // a batch of LeNet activations
];

const plusZero = (v: number) => (v === 0 ? 0 : v);

/** Run f on every backend and compare its output with the reference on cpu, exactly or within tol. */
async function sameOnEveryBackend(f: () => tf.Tensor, reference: () => tf.Tensor, tol = 0): Promise<void> {
  await useBackend('cpu');
  const want = tf.tidy(() => reference().dataSync() as Float32Array);
  for (const backend of BACKENDS) {
    await useBackend(backend);
    const got = tf.tidy(() => {
      const t = f();
      return { values: t.dataSync() as Float32Array, shape: t.shape };
    });
    expect(got.values.length, backend).toBe(want.length);
    // Exact comparisons treat −0 and +0 alike (the SIMD ReLU gradient writes +0 where dy·0 may be −0).
    if (tol === 0) expect(Array.from(got.values, plusZero), backend).toEqual(Array.from(want, plusZero));
    else expect(maxAbsDiff(got.values, want), backend).toBeLessThan(tol);
  }
}

describe('transpose kernels', () => {
  it.each(SHAPES)('transpose2d equals tf.transpose (%i x %i)', async (rows, cols) => {
    const values = normals(rows * cols, rows * 100 + cols);
    await sameOnEveryBackend(
      () => transpose2d(tf.tensor2d(values, [rows, cols])),
      () => tf.transpose(tf.tensor2d(values, [rows, cols])),
    );
  });

  it.each(SHAPES)('transposeBiasAct equals relu(transpose(z) + b) and transpose(z) + b (%i x %i)', async (rows, cols) => {
    const z = normals(rows * cols, rows + cols);
    const b = normals(rows, 7);
    for (const relu of [true, false]) {
      await sameOnEveryBackend(
        () => transposeBiasAct(tf.tensor2d(z, [rows, cols]), tf.tensor1d(b), relu),
        () => {
          const y = tf.add(tf.transpose(tf.tensor2d(z, [rows, cols])), tf.tensor1d(b));
          return relu ? tf.relu(y) : y;
        },
      );
    }
  });

  it('swapOuterInner with zero padding equals pad(transpose(x, [3, 1, 2, 0]))', async () => {
    const x = normals(5 * 3 * 4 * 6, 52);
    await sameOnEveryBackend(
      () => swapOuterInner(tf.tensor4d(x, [5, 3, 4, 6]), 1),
      () =>
        tf.pad(tf.transpose(tf.tensor4d(x, [5, 3, 4, 6]), [3, 1, 2, 0]), [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
    );
  });
});

describe('reluGrad', () => {
  it('equals dy · step(y), zeros of y included', async () => {
    const n = 4 * 37 + 3;
    const dy = normals(n, 60);
    const y = normals(n, 61).map((v, i) => (i % 5 === 0 ? 0 : Math.max(0, v)));
    await sameOnEveryBackend(
      () => reluGrad(tf.tensor1d(dy), tf.tensor1d(y)),
      () => tf.mul(tf.tensor1d(dy), tf.step(tf.tensor1d(y))),
    );
  });
});

describe('maxPool2x2 backward on the SIMD path (channels a multiple of 4)', () => {
  it('routes every dy to the first maximum of its window, for every order and tie of four values', async () => {
    // 256 window lanes (2 images x 4x4 windows x 8 channels), lane k holding the base-4 digits of k in
    // its window: every pattern of ties and orderings of the values 0..3 occurs once.
    const [n, oh, ow, c] = [2, 4, 4, 8];
    const shape: [number, number, number, number] = [n, 2 * oh, 2 * ow, c];
    const x = new Float32Array(n * 4 * oh * ow * c);
    let k = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          for (let ch = 0; ch < c; ch++, k++) {
            [0, 1, 2, 3].forEach((d, pos) => {
              const [di, dj] = [pos >> 1, pos & 1];
              x[((b * 2 * oh + 2 * i + di) * 2 * ow + 2 * j + dj) * c + ch] = Math.floor(k / 4 ** (3 - d)) % 4;
            });
          }
        }
      }
    }
    const dy = normals(n * oh * ow * c, 63);
    await sameOnEveryBackend(
      () => tf.grad((t: tf.Tensor) => maxPool2x2(t as tf.Tensor4D))(tf.tensor4d(x, shape), tf.tensor4d(dy, [n, oh, ow, c])),
      () => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'))(tf.tensor4d(x, shape), tf.tensor4d(dy, [n, oh, ow, c])),
    );
  });
});

describe('conv filter gradient as im2colᵀ matMuls', () => {
  it('is used on wasm', async () => {
    await useBackend('wasm');
    expect(hasIm2col()).toBe(true);
    await useBackend('cpu');
    expect(hasIm2col()).toBe(false);
  });

  it.each([
    [5, 6, 4, 6, 8],
    [3, 4, 6, 2, 40], // few input channels: the dzᵀ·im2col route
  ])('equals the convolution form and the stock backprop kernel, in one chunk and in several (n %i, %ix%i, %i→%i)', async (n, h, w, cin, cout) => {
    const x = normals(n * h * w * cin, 64);
    const dz = normals(n * h * w * cout, 65);
    const xt = () => tf.tensor4d(x, [n, h, w, cin]);
    const dzt = () => tf.tensor4d(dz, [n, h, w, cout]);
    const stock = () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: xt(), dy: dzt() }, {
        strides: [1, 1],
        pad: 'same',
        dataFormat: 'NHWC',
        dilations: [1, 1],
        filterShape: [3, 3, cin, cout],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    await sameOnEveryBackend(() => convFilterGradByConv(xt(), dzt()), stock, 1e-4);
    for (const chunkFloats of [1 << 22, 9 * cin * w * n * 2, 1]) {
      await sameOnEveryBackend(() => convFilterGrad(xt(), dzt(), chunkFloats), stock, 1e-4);
    }
  });

  it('conv3x3Relu with several channels matches autodiff (SIMD paths of every conv kernel)', async () => {
    const [n, h, w, cin, cout] = [5, 6, 6, 4, 8];
    const x = normals(n * h * w * cin, 66);
    const wts = normals(9 * cin * cout, 67, 0.3);
    const b = normals(cout, 68, 0.1);
    const dy = normals(n * h * w * cout, 69);
    const grads = (f: (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor) => () =>
      tf.concat(
        tf
          .grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => f(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D))(
            [tf.tensor4d(x, [n, h, w, cin]), tf.tensor4d(wts, [3, 3, cin, cout]), tf.tensor1d(b)],
            tf.tensor4d(dy, [n, h, w, cout]),
          )
          .map((g) => tf.reshape(g, [-1])),
      );
    await sameOnEveryBackend(
      grads((a, c, d) => conv3x3Relu(a, c, d, { inputGrad: true, gradMode: 'conv' })),
      grads((a, c, d) => tf.relu(tf.add(tf.conv2d(a, c, 1, 'same'), d))),
      1e-4,
    );
  });
});

describe('denseTransposed, dx from the left operand (the route for large kernels)', () => {
  it('matches autodiff', async () => {
    const [n, inSize, outSize] = [6, 13, 9];
    const x = normals(n * inSize, 70);
    const wt = normals(outSize * inSize, 71, 0.4);
    const b = normals(outSize, 72, 0.1);
    const dy = normals(n * outSize, 73);
    const grads = (f: (x: tf.Tensor2D, wt: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => () =>
      tf.concat(
        tf
          .grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => f(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D))(
            [tf.tensor2d(x, [n, inSize]), tf.tensor2d(wt, [outSize, inSize]), tf.tensor1d(b)],
            tf.tensor2d(dy, [n, outSize]),
          )
          .map((g) => tf.reshape(g, [-1])),
      );
    for (const leftOperandDx of [true, false]) {
      await sameOnEveryBackend(
        grads((a, c, d) => denseTransposed(a, c, d, { relu: true, inputGrad: true, leftOperandDx })),
        grads((a, c, d) => tf.relu(tf.add(tf.matMul(a, tf.transpose(c)), d))),
        1e-5,
      );
    }
  });
});

describe('NetModel.inferenceLogits (evaluation path)', () => {
  for (const net of [TINY_FC, TINY_CONV]) {
    it(`equals logits() for ${net.label}`, async () => {
      const [h, w, c] = net.inputShape;
      const n = 7;
      const x = normals(n * h * w * c, 74).map((v) => Math.abs(v) / 3);
      const weights = randomWeights(net, 75);
      weights.biases = weights.biases.map((bias, i) => normals(bias.length, 76 + i, 0.1));
      for (const backend of BACKENDS) {
        await useBackend(backend);
        const model = new NetModel(net);
        try {
          model.setWeights(weights);
          const { kernels, owned } = model.inferenceKernels();
          const [train, infer] = tf.tidy(() => {
            const xs = tf.tensor2d(x, [n, h * w * c]);
            return [model.logits(xs).dataSync() as Float32Array, model.inferenceLogits(xs, kernels).dataSync() as Float32Array];
          });
          tf.dispose(owned);
          expect(maxAbsDiff(infer, train), backend).toBeLessThan(1e-5);
          expect(Math.max(...train.map(Math.abs))).toBeGreaterThan(1e-3);
        } finally {
          model.dispose();
        }
      }
    });
  }
});
