// Every hand-written backward pass (ops.ts) and wasm kernel (kernels.ts) against the cpu backend's
// stock autodiff of the same function built from stock ops, on small shapes.
//
// tfjs-core's Node bundle registers no gradients; this test file loads tfjs-core's own gradient
// definitions (ES modules that vitest can transform) so that the cpu reference is tfjs's autodiff.
// The engine itself never relies on them (trainer.test.ts trains without them).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { columnSums, gatherRows, sliceRows, swapOuterInner } from '../../../src/main/engine/kernels';
import { NetModel } from '../../../src/main/engine/model';
import {
  conv3x3Relu,
  dense,
  denseTransposed,
  flatten,
  maxPool2x2,
  softmaxCrossEntropy,
  type ConvGradMode,
} from '../../../src/main/engine/ops';
import { BACKENDS, maxAbsDiff, normals, randomWeights, TINY_CONV, TINY_FC, useBackend, type TestBackend } from './helpers';

const TOL = 1e-5;

interface Input {
  shape: number[];
  values: Float32Array;
}

function input(shape: number[], seed: number, scale = 1): Input {
  return { shape, values: normals(shape.reduce((a, b) => a * b, 1), seed, scale) };
}

/** y = f(inputs) and dy-weighted gradients w.r.t. inputs[wrt], computed on `backend`. */
async function gradients(
  backend: TestBackend,
  inputs: Input[],
  f: (ts: tf.Tensor[]) => tf.Tensor,
  wrt: number[],
  dySeed = 42,
): Promise<{ y: Float32Array; grads: Float32Array[] }> {
  await useBackend(backend);
  return tf.tidy(() => {
    const ts = inputs.map((i) => tf.tensor(i.values, i.shape, 'float32'));
    const y = f(ts);
    const dy = tf.tensor(normals(y.size, dySeed), y.shape, 'float32');
    const g = tf.grads((...xs: tf.Tensor[]) => {
      const all = ts.slice();
      wrt.forEach((k, j) => (all[k] = xs[j]));
      return f(all);
    })(wrt.map((k) => ts[k]), dy);
    return { y: y.dataSync() as Float32Array, grads: g.map((t) => t.dataSync() as Float32Array) };
  });
}

async function expectSameGradients(
  inputs: Input[],
  custom: (ts: tf.Tensor[]) => tf.Tensor,
  reference: (ts: tf.Tensor[]) => tf.Tensor,
  wrt: number[],
  backends: TestBackend[] = BACKENDS,
): Promise<void> {
  const ref = await gradients('cpu', inputs, reference, wrt);
  for (const backend of backends) {
    const got = await gradients(backend, inputs, custom, wrt);
    expect(maxAbsDiff(got.y, ref.y), `${backend}: forward`).toBeLessThan(TOL);
    got.grads.forEach((g, j) => {
      expect(maxAbsDiff(g, ref.grads[j]), `${backend}: gradient of input ${wrt[j]}`).toBeLessThan(TOL);
      // A gradient of all zeros would pass trivially against a broken reference: make sure it is not.
      expect(Math.max(...ref.grads[j].map(Math.abs))).toBeGreaterThan(1e-3);
    });
  }
}

const stockDense = (relu: boolean) => ([x, w, b]: tf.Tensor[]) => {
  const z = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
  return relu ? tf.relu(z) : z;
};

describe('dense (customGrad: explicit transposes, plain matMuls)', () => {
  const inputs = [input([5, 7], 1), input([7, 4], 2, 0.5), input([4], 3, 0.5)];
  for (const relu of [true, false]) {
    it(`matches autodiff with${relu ? '' : 'out'} ReLU, input gradient included`, async () => {
      const custom = ([x, w, b]: tf.Tensor[]) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, { relu, inputGrad: true });
      await expectSameGradients(inputs, custom, stockDense(relu), [0, 1, 2]);
    });
  }
  it('computes no input gradient for the first layer (gradient w.r.t. W and b only)', async () => {
    const custom = ([x, w, b]: tf.Tensor[]) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, { relu: true, inputGrad: false });
    await expectSameGradients(inputs, custom, stockDense(true), [1, 2]);
  });
});

describe('denseTransposed (kernel stored as Wᵀ)', () => {
  // inputs: x, Wᵀ [out, in], b; the reference multiplies by transpose(Wᵀ).
  const inputs = [input([5, 7], 4), input([4, 7], 5, 0.5), input([4], 6, 0.5)];
  const reference = (relu: boolean) => ([x, wt, b]: tf.Tensor[]) => stockDense(relu)([x, tf.transpose(wt), b]);
  for (const inputGrad of [false, true]) {
    it(`matches autodiff (ReLU, inputGrad ${inputGrad})`, async () => {
      const custom = ([x, wt, b]: tf.Tensor[]) => denseTransposed(x as tf.Tensor2D, wt as tf.Tensor2D, b as tf.Tensor1D, { relu: true, inputGrad });
      await expectSameGradients(inputs, custom, reference(true), inputGrad ? [0, 1, 2] : [1, 2]);
    });
  }
  it('matches autodiff without ReLU', async () => {
    const custom = ([x, wt, b]: tf.Tensor[]) => denseTransposed(x as tf.Tensor2D, wt as tf.Tensor2D, b as tf.Tensor1D, { relu: false, inputGrad: false });
    await expectSameGradients(inputs, custom, reference(false), [1, 2]);
  });
});

describe('conv3x3Relu (fused forward; backward from forward convolutions)', () => {
  const inputs = [input([2, 6, 6, 3], 7), input([3, 3, 3, 4], 8, 0.4), input([4], 9, 0.2)];
  const reference = ([x, w, b]: tf.Tensor[]) => tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b));
  const custom = (gradMode: ConvGradMode, inputGrad: boolean) => ([x, w, b]: tf.Tensor[]) =>
    conv3x3Relu(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, { inputGrad, gradMode });

  it("'conv' mode matches autodiff (input, filter and bias gradients)", async () => {
    await expectSameGradients(inputs, custom('conv', true), reference, [0, 1, 2]);
  });
  it("'conv' mode without input gradient", async () => {
    await expectSameGradients(inputs, custom('conv', false), reference, [1, 2]);
  });
  it("'native' mode (backend backprop kernels) matches autodiff on cpu", async () => {
    await expectSameGradients(inputs, custom('native', true), reference, [0, 1, 2], ['cpu']);
  });
  it('handles a non-square image and a single input channel', async () => {
    const odd = [input([3, 4, 6, 1], 10), input([3, 3, 1, 2], 11, 0.5), input([2], 12, 0.2)];
    await expectSameGradients(odd, custom('conv', true), reference, [0, 1, 2]);
  });
});

describe('maxPool2x2', () => {
  const reference = ([x]: tf.Tensor[]) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
  const custom = ([x]: tf.Tensor[]) => maxPool2x2(x as tf.Tensor4D);

  it('matches autodiff on random input', async () => {
    await expectSameGradients([input([2, 4, 6, 3], 13)], custom, reference, [0]);
  });
  it('routes ties to the first maximum of each window, as tfjs does (ReLU zeros and repeated values)', async () => {
    const x = input([2, 6, 4, 5], 14);
    // Quantise to a few levels and clamp at 0, so most windows contain ties.
    x.values = x.values.map((v) => Math.max(0, Math.round(v)));
    await expectSameGradients([x], custom, reference, [0]);
  });
});

describe('flatten and softmaxCrossEntropy', () => {
  it('flatten passes the gradient back in the input shape', async () => {
    const reference = ([x, w]: tf.Tensor[]) => tf.matMul(tf.reshape(x, [2, -1]), w as tf.Tensor2D);
    const custom = ([x, w]: tf.Tensor[]) => tf.matMul(flatten(x), w as tf.Tensor2D);
    await expectSameGradients([input([2, 2, 3, 2], 15), input([12, 3], 16)], custom, reference, [0, 1]);
  });

  it('softmax cross-entropy: mean over the batch, gradient (softmax − onehot)/n', async () => {
    const labels = [3, 0, 9, 3, 5];
    const onehot: Input = { shape: [5, 10], values: new Float32Array(50) };
    labels.forEach((y, i) => (onehot.values[i * 10 + y] = 1));
    const reference = ([logits, oh]: tf.Tensor[]) => tf.mean(tf.neg(tf.sum(tf.mul(oh, tf.logSoftmax(logits)), 1)));
    const custom = ([logits, oh]: tf.Tensor[]) => softmaxCrossEntropy(logits as tf.Tensor2D, oh as tf.Tensor2D);
    await expectSameGradients([input([5, 10], 17, 3), onehot], custom, reference, [0]);
  });
});

describe('whole networks: NetModel gradients equal autodiff of the same net built from stock ops', () => {
  /** The same forward pass from stock ops with kernels in tfjs layout. */
  function stockLogits(net: typeof TINY_FC, x: tf.Tensor2D, kernels: tf.Tensor[], biases: tf.Tensor[]): tf.Tensor2D {
    let h: tf.Tensor = x;
    const firstDense = net.layers.findIndex((l) => l.kind !== 'conv');
    if (firstDense > 0) h = tf.reshape(x, [x.shape[0], ...net.inputShape]);
    net.layers.forEach((l, i) => {
      if (l.kind === 'conv') {
        h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, kernels[i] as tf.Tensor4D, 1, 'same'), biases[i]));
        if (l.poolAfter) h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
      } else {
        if (h.rank > 2) h = tf.reshape(h, [x.shape[0], -1]);
        h = tf.add(tf.matMul(h as tf.Tensor2D, kernels[i] as tf.Tensor2D), biases[i]);
        if (i < net.layers.length - 1) h = tf.relu(h);
      }
    });
    return h as tf.Tensor2D;
  }

  for (const net of [TINY_FC, TINY_CONV]) {
    it(`${net.label}: loss and every kernel and bias gradient`, async () => {
      const n = 6;
      const [h, w, c] = net.inputShape;
      const x = normals(n * h * w * c, 21).map((v) => Math.abs(v) / 3);
      const onehot = new Float32Array(n * 10);
      for (let i = 0; i < n; i++) onehot[i * 10 + ((i * 7) % 10)] = 1;
      const weights = randomWeights(net, 30);
      // Nonzero biases so that the bias path is exercised.
      weights.biases = weights.biases.map((b, i) => normals(b.length, 40 + i, 0.1));

      const reference = await (async () => {
        await useBackend('cpu');
        return tf.tidy(() => {
          const ks = net.layers.map((l, i) => tf.tensor(weights.kernels[i], l.kernelShape));
          const bs = weights.biases.map((b) => tf.tensor1d(b));
          const xs = tf.tensor2d(x, [n, h * w * c]);
          const oh = tf.tensor2d(onehot, [n, 10]);
          const f = (...vars: tf.Tensor[]) => {
            const logits = stockLogits(net, xs, vars.slice(0, ks.length), vars.slice(ks.length));
            return tf.mean(tf.neg(tf.sum(tf.mul(oh, tf.logSoftmax(logits)), 1)));
          };
          const { value, grads } = tf.valueAndGrads(f)([...ks, ...bs]);
          return { loss: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
        });
      })();

      for (const backend of BACKENDS) {
        await useBackend(backend);
        const model = new NetModel(net);
        try {
          model.setWeights(weights);
          const got = tf.tidy(() => {
            const xs = tf.tensor2d(x, [n, h * w * c]);
            const oh = tf.tensor2d(onehot, [n, 10]);
            const vars = [...model.kernels, ...model.biases];
            const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(model.logits(xs), oh), vars);
            // Kernel gradients back to tfjs layout where the model stores a kernel transposed.
            const kernelGrads = model.kernels.map((k, i) => (model.transposed[i] ? tf.transpose(grads[k.name]) : grads[k.name]));
            return {
              loss: value.dataSync()[0],
              grads: [...kernelGrads, ...model.biases.map((b) => grads[b.name])].map((g) => g.dataSync() as Float32Array),
            };
          });
          expect(Math.abs(got.loss - reference.loss), `${backend}: loss`).toBeLessThan(TOL);
          got.grads.forEach((g, j) => expect(maxAbsDiff(g, reference.grads[j]), `${backend}: gradient ${j}`).toBeLessThan(TOL));
        } finally {
          model.dispose();
        }
      }
    });
  }
});

describe('wasm data and layout kernels equal the stock ops', () => {
  it('gatherRows and sliceRows (float32 and int32)', async () => {
    for (const backend of BACKENDS) {
      await useBackend(backend);
      tf.tidy(() => {
        const x = tf.tensor(normals(7 * 3 * 2, 50), [7, 3, 2]);
        const labels = tf.tensor1d([4, 1, 3, 3, 0, 6, 2], 'int32');
        const rows = Int32Array.from([6, 0, 3, 3, 1]);
        expect(Array.from(gatherRows(x, rows).dataSync())).toEqual(Array.from(tf.gather(x, Array.from(rows)).dataSync()));
        expect(gatherRows(x, rows).shape).toEqual([5, 3, 2]);
        expect(Array.from(gatherRows(labels, rows).dataSync())).toEqual([2, 4, 3, 3, 1]);
        expect(Array.from(sliceRows(x, 2, 4).dataSync())).toEqual(Array.from(tf.slice(x, [2, 0, 0], [4, 3, 2]).dataSync()));
        expect(Array.from(sliceRows(labels, 5, 2).dataSync())).toEqual([6, 2]);
        expect(() => gatherRows(x, Int32Array.from([7]))).toThrow();
      });
    }
  });

  it('columnSums equals sum over axis 0 (widths with and without a SIMD tail)', async () => {
    for (const backend of BACKENDS) {
      await useBackend(backend);
      tf.tidy(() => {
        for (const [rows, cols] of [[7, 12], [5, 10], [3, 3], [1, 1], [61, 300]]) {
          const x = tf.tensor2d(normals(rows * cols, rows + cols), [rows, cols]);
          expect(maxAbsDiff(columnSums(x).dataSync(), tf.sum(x, 0).dataSync()), `${backend} ${rows}x${cols}`).toBeLessThan(1e-5);
        }
        expect(Array.from(columnSums(tf.zeros([0, 6]) as tf.Tensor2D).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
      });
    }
  });

  it('swapOuterInner equals transpose(x, [3, 1, 2, 0])', async () => {
    for (const backend of BACKENDS) {
      await useBackend(backend);
      tf.tidy(() => {
        const x = tf.tensor4d(normals(5 * 3 * 4 * 6, 51), [5, 3, 4, 6]);
        const got = swapOuterInner(x);
        expect(got.shape).toEqual([6, 3, 4, 5]);
        expect(Array.from(got.dataSync())).toEqual(Array.from(tf.transpose(x, [3, 1, 2, 0]).dataSync()));
      });
    }
  });
});
