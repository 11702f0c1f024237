// The differentiable operations of the networks, each a `tf.customGrad` with a hand-written backward pass.
//
// Why custom gradients everywhere:
//  - Speed on wasm (ENGINE-NOTES.md): XNNPACK runs plain matMuls ~10× faster than matMuls with
//    transposeA/transposeB, has no Conv2DBackpropFilter kernel, and its conv2dTranspose is slow; a
//    fused bias+ReLU kernel saves two passes over the activations.
//  - Availability: tfjs-core's Node bundle registers no gradient functions at all (they live in
//    separate ES modules the `@tensorflow/tfjs` umbrella loads). Every op on the path from a variable
//    to the loss must therefore bring its own gradient. Ops off that path (reshaping the input batch)
//    need none.
// Each backward pass is checked against the cpu backend's stock autodiff in test/unit/engine.
//
// Conventions: NHWC images, kernels in tfjs layout (dense [in, out], conv [3, 3, in, out]); `inputGrad`
// false means the op's input is data (no gradient is computed for it).
import * as tf from '@tensorflow/tfjs-core';
import { hasXentKernel, softmaxXentWithGrad } from './xent';
import {
  columnSums,
  hasIm2col,
  im2colRowsT,
  MAX_POOL_GRAD_2X2,
  prefersLeftOperand,
  reluGrad,
  sliceRows,
  swapOuterInner,
  transpose2d,
  transposeBiasAct,
} from './kernels';

type Save = (tensors: tf.Tensor[]) => void;
type Backward = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

/**
 * Run `forward` as one tape node over `inputs` with gradient `backward`. `forward` may refer to the
 * inputs directly (customGrad passes the same objects) and must `save` every tensor the backward pass
 * reads that it creates itself or that is not an input: intermediates are disposed after the forward
 * pass, saved tensors are kept (cloned) until the backward pass.
 */
function withGradient<T extends tf.Tensor>(inputs: tf.Tensor[], forward: (save: Save) => { value: T; gradFunc: Backward }): T {
  const f = (...args: unknown[]) => forward(args[args.length - 1] as Save);
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0])(...inputs) as T;
}

/** Run a registered kernel directly (bypasses tfjs's refusal to fuse activations while taping). */
function runKernel<T extends tf.Tensor>(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>): T {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as T;
}

/** ReLU's derivative applied to dy, given the ReLU output y: dy where y > 0, else 0. */
function reluBackward<T extends tf.Tensor>(dy: T, y: tf.Tensor): T {
  return reluGrad(dy, y);
}

/**
 * Kernels with more entries than this take the "left operand" route for dx in the transposed dense
 * layer: XNNPACK packs the right-hand matMul operand on every call (it is a new tensor each step), which
 * for Conv2's 16384x256 dense kernel costs more than the multiply; transposing it with the SIMD
 * kernel and multiplying from the left is cheaper. Small kernels pack faster than they transpose.
 */
export const LEFT_OPERAND_DX_MIN = 1 << 20;

/** x·W + b with optional ReLU, as one fused kernel (rank-3 views, as the kernels expect). */
function fusedMatMul(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, relu: boolean): tf.Tensor2D {
  const [n, k] = x.shape;
  const m = w.shape[1];
  const out = runKernel<tf.Tensor3D>(
    '_FusedMatMul',
    { a: tf.reshape(x, [1, n, k]), b: tf.reshape(w, [1, k, m]), bias: b },
    { transposeA: false, transposeB: false, activation: relu ? 'relu' : 'linear', leakyreluAlpha: 0 },
  );
  return tf.reshape(out, [n, m]);
}

export interface DenseOptions {
  relu: boolean;
  /** Compute the gradient for x (false for the first layer, whose input is the image batch). */
  inputGrad: boolean;
  /**
   * denseTransposed only: compute dx as (W·dzᵀ)ᵀ instead of dz·wt. Default: on wasm, for kernels of at
   * least LEFT_OPERAND_DX_MIN entries.
   */
  leftOperandDx?: boolean;
}

/**
 * Dense layer y = act(x·W + b). Backward with explicit transposes and plain matMuls:
 * dz = dy·relu'(y); dW = xᵀ·dz; db = Σ_batch dz; dx = dz·Wᵀ, on wasm computed as (W·dzᵀ)ᵀ (W as the
 * left operand is not re-packed by XNNPACK: ≈0.3 instead of ≈0.45 ms for LeNet's 300x100 layer).
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, opts: DenseOptions): tf.Tensor2D {
  const inputs = opts.inputGrad ? [x, w, b] : [w, b];
  return withGradient<tf.Tensor2D>(inputs, (save) => {
    const y = fusedMatMul(x, w, b, opts.relu);
    save(opts.relu ? [x, y] : [x]);
    return {
      value: y,
      gradFunc: (dy, [xs, ys]) => {
        const dz = (opts.relu ? reluBackward(dy, ys) : dy) as tf.Tensor2D;
        const dw = tf.matMul(transpose2d(xs as tf.Tensor2D), dz);
        const db = columnSums(dz);
        if (!opts.inputGrad) return [dw, db];
        // On wasm dx = (W·dzᵀ)ᵀ: the kernel as the left operand is never packed (see denseTransposed).
        const dx = prefersLeftOperand() ? transpose2d(tf.matMul(w, transpose2d(dz))) : tf.matMul(dz, w, false, true);
        return [dx, dw, db];
      },
    };
  });
}

/**
 * Dense layer with the kernel stored transposed, wt = Wᵀ [out, in]. XNNPACK packs the right-hand matMul
 * operand afresh whenever it is a new tensor, which a kernel updated every step always is: for LeNet's
 * 784x300 kernel that packing costs as much as the multiply itself. Here the kernel is the left operand
 * (never packed) and the batch the right: zᵀ = wt·xᵀ, then y = act(z + b) in the same pass that
 * transposes zᵀ back (transposeBiasAct). Backward: dwt = dzᵀ·x; db = Σ_batch dz; and, when the input
 * needs a gradient, dx = dz·wt (small kernels) or dx = (W·dzᵀ)ᵀ with W = wtᵀ (large ones, see
 * LEFT_OPERAND_DX_MIN).
 */
export function denseTransposed(x: tf.Tensor2D, wt: tf.Tensor2D, b: tf.Tensor1D, opts: DenseOptions): tf.Tensor2D {
  const inputs = opts.inputGrad ? [x, wt, b] : [wt, b];
  return withGradient<tf.Tensor2D>(inputs, (save) => {
    const y = transposeBiasAct(tf.matMul(wt, transpose2d(x)), b, opts.relu);
    save(opts.relu ? [x, y] : [x]);
    return {
      value: y,
      gradFunc: (dy, [xs, ys]) => {
        const dz = (opts.relu ? reluBackward(dy, ys) : dy) as tf.Tensor2D;
        const dwt = tf.matMul(transpose2d(dz), xs as tf.Tensor2D);
        const db = columnSums(dz);
        if (!opts.inputGrad) return [dwt, db];
        const left = opts.leftOperandDx ?? (prefersLeftOperand() && wt.size >= LEFT_OPERAND_DX_MIN);
        const dx = left ? transpose2d(tf.matMul(transpose2d(wt), transpose2d(dz))) : tf.matMul(dz, wt);
        return [dx, dwt, db];
      },
    };
  });
}

/**
 * How the conv backward pass is computed:
 *  - 'conv': only forward convolutions and matMuls (works on every backend; wasm lacks the backprop
 *    kernels): input gradient = conv2d(dz, W flipped in space with in/out channels swapped, 'same');
 *    filter gradient = im2colᵀ · dz as chunked matMuls (convFilterGrad; on backends without the
 *    im2colᵀ kernel, the equivalent convolution of convFilterGradByConv).
 *  - 'native': the backend's Conv2DBackpropInput / Conv2DBackpropFilter kernels (cuDNN on the GPU).
 */
export type ConvGradMode = 'conv' | 'native';

export interface ConvOptions {
  /** Compute the gradient for x (false for the first layer). */
  inputGrad: boolean;
  gradMode: ConvGradMode;
}

const CONV_ATTRS = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] } as const;

/** The 3x3 'same' filter that maps dz back to dx: spatially flipped, in/out channels swapped. */
export function flippedFilter(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
}

/** Floats one im2colᵀ chunk of the filter gradient may hold (≈16 MB). */
export const IM2COL_CHUNK_FLOATS = 4 << 20;

/**
 * dW of a 3x3 'same' stride-1 convolution from x [n,h,w,cin] and dz [n,h,w,cout], using plain matMuls:
 * dW[(kh,kw,ci), co] = Σ_p X_k[ci, p] · DZ[p, co] over the positions p = (y, x, image), where
 * DZ = dz ordered (y, x, image) and X_k the input shifted by the tap (kh, kw). The rows X_k for all nine
 * taps (im2colᵀ) are built a few image rows at a time from the zero-padded input with its batch and
 * channel axes swapped ([cin, h+2, w+2, n], so that a row segment of every tap is one contiguous copy),
 * and each chunk is one matMul with the matching rows of DZ; the row order (kh, kw, ci) is already the
 * [3, 3, cin, cout] layout. About twice as fast on wasm as the convolution form below, which XNNPACK
 * runs with 32x32 taps of only n channels each.
 * Backends without the im2colᵀ kernel use convFilterGradByConv.
 */
export function convFilterGrad(x: tf.Tensor4D, dz: tf.Tensor4D, chunkFloats = IM2COL_CHUNK_FLOATS): tf.Tensor4D {
  if (!hasIm2col()) return convFilterGradByConv(x, dz);
  const [n, h, w, cin] = x.shape;
  const cout = dz.shape[3];
  return tf.tidy(() => {
    const xT = swapOuterInner(x, 1); // [cin, h+2, w+2, n]
    if (18 * cin <= cout && 9 * cin * h * w * n <= chunkFloats) {
      // Few input channels (a first layer on RGB images): XNNPACK packs the right-hand operand on every
      // call, and here im2col is the smaller of the two, so multiply dWᵀ = dzᵀ · im2col instead
      // (≈38 instead of ≈64 ms for Conv2's first layer's whole filter gradient).
      const dzT = tf.reshape(swapOuterInner(dz), [cout, h * w * n]) as tf.Tensor2D; // columns (y, x, image)
      const dwT = tf.matMul(dzT, transpose2d(im2colRowsT(xT, 0, h))) as tf.Tensor2D; // [cout, 9·cin]
      return tf.reshape(transpose2d(dwT), [3, 3, cin, cout]) as tf.Tensor4D;
    }
    const dzRows = tf.reshape(tf.transpose(dz, [1, 2, 0, 3]), [h * w * n, cout]) as tf.Tensor2D; // rows (y, x, image)
    const rowsPerChunk = Math.max(1, Math.min(h, Math.floor(chunkFloats / (9 * cin * w * n))));
    let acc: tf.Tensor2D | null = null;
    for (let y0 = 0; y0 < h; y0 += rowsPerChunk) {
      const k = Math.min(rowsPerChunk, h - y0);
      const a = im2colRowsT(xT, y0, k); // [9·cin, k·w·n]
      const b = sliceRows(dzRows, y0 * w * n, k * w * n); // [k·w·n, cout]
      const part = tf.matMul(a, b);
      tf.dispose([a, b]); // free each chunk at once (≈16 MB), not at the end of the tidy
      const next = (acc ? tf.add(acc, part) : part) as tf.Tensor2D;
      if (acc) tf.dispose([acc, part]);
      acc = next;
    }
    return tf.reshape(acc!, [3, 3, cin, cout]) as tf.Tensor4D;
  });
}

/**
 * The filter gradient as one forward convolution: the input channels act as the batch and the batch as
 * channels, i.e. conv2d(transpose(pad(x), [3,1,2,0]), transpose(dz, [1,2,0,3]), 'valid') → [cin,3,3,cout],
 * transposed to [3,3,cin,cout]. Works with stock ops on every backend.
 */
export function convFilterGradByConv(x: tf.Tensor4D, dz: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const xT = swapOuterInner(x); // [cin, h, w, n]: channels as the batch, the batch as channels
    const dzT = tf.transpose(dz, [1, 2, 0, 3]) as tf.Tensor4D; // [h, w, n, cout] as an h x w filter
    // Pad by one on each side (the 'same' padding of the forward conv) and convolve 'valid': [cin, 3, 3, cout].
    const g = tf.conv2d(xT, dzT, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    return tf.transpose(g, [1, 2, 0, 3]);
  });
}

/** Σ over batch and space of dz [n,h,w,c] (bias gradient). */
function channelSums(dz: tf.Tensor4D): tf.Tensor1D {
  const [n, h, w, c] = dz.shape;
  return columnSums(tf.reshape(dz, [n * h * w, c]));
}

/** 3x3 convolution, stride 1, 'same' padding, + bias, ReLU: forward is one FusedConv2D kernel. */
export function conv3x3Relu(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, opts: ConvOptions): tf.Tensor4D {
  const inputs = opts.inputGrad ? [x, w, b] : [w, b];
  return withGradient<tf.Tensor4D>(inputs, (save) => {
    const y = runKernel<tf.Tensor4D>('FusedConv2D', { x, filter: w, bias: b }, { ...CONV_ATTRS, activation: 'relu', leakyreluAlpha: 0 });
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy, [xs, ys]) => {
        const dz = reluBackward(dy as tf.Tensor4D, ys);
        const db = channelSums(dz);
        let dw: tf.Tensor;
        let dx: tf.Tensor | null = null;
        if (opts.gradMode === 'native') {
          dw = runKernel('Conv2DBackpropFilter', { x: xs, dy: dz }, { ...CONV_ATTRS, filterShape: w.shape });
          if (opts.inputGrad) dx = runKernel('Conv2DBackpropInput', { dy: dz, filter: w }, { ...CONV_ATTRS, inputShape: xs.shape });
        } else {
          dw = convFilterGrad(xs as tf.Tensor4D, dz);
          if (opts.inputGrad) dx = tf.conv2d(dz, flippedFilter(w), 1, 'same');
        }
        return dx ? [dx, dw, db] : [dw, db];
      },
    };
  });
}

/**
 * 2x2 max-pooling, stride 2 ('valid'; sizes must be even). Backward routes each dy to the first maximum
 * of its window in row-major order, as tfjs's MaxPoolGrad does. On wasm that kernel takes ~170 ms for a
 * Conv2-sized batch; a kernel registered in kernels.ts does the same in a few ms.
 */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid', dilations: [1, 1] };
  return withGradient<tf.Tensor4D>([x], (save) => {
    const y = runKernel<tf.Tensor4D>('MaxPool', { x }, attrs);
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy, [xs, ys]) => {
        const fast = tf.getKernel(MAX_POOL_GRAD_2X2, tf.getBackend()) !== undefined;
        return [fast ? runKernel(MAX_POOL_GRAD_2X2, { dy, x: xs }, {}) : runKernel('MaxPoolGrad', { dy, input: xs, output: ys }, attrs)];
      },
    };
  });
}

/** Reshape to [n, rest] with the (reshape) gradient, for the conv → dense hand-over. */
export function flatten(x: tf.Tensor): tf.Tensor2D {
  const n = x.shape[0];
  const shape = x.shape;
  return withGradient<tf.Tensor2D>([x], () => ({
    value: tf.reshape(x, [n, -1]),
    gradFunc: (dy) => [tf.reshape(dy, shape)],
  }));
}

/**
 * Mean softmax cross-entropy over the batch; `onehot` is data (no gradient).
 * Backward: (softmax(logits) − onehot) · dy / n. On wasm and cpu one fused kernel computes both (xent.ts);
 * other backends use the op chain below.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  const n = logits.shape[0];
  if (hasXentKernel()) {
    // One kernel computes the loss and (softmax − onehot)/n; backward only scales by dy (xent.ts).
    return withGradient<tf.Scalar>([logits], (save) => {
      const [loss, grad] = softmaxXentWithGrad(logits, onehot);
      save([grad]);
      return { value: loss, gradFunc: (dy, [g]) => [tf.mul(g, dy)] };
    });
  }
  return withGradient<tf.Scalar>([logits], (save) => {
    const logp = tf.logSoftmax(logits);
    save([logp, onehot]);
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(onehot, logp))), n),
      gradFunc: (dy, [lp, oh]) => [tf.mul(tf.sub(tf.exp(lp), oh), tf.div(dy, n))],
    };
  });
}
