// Kernels the wasm backend lacks in a fast form, registered for 'wasm' only and written in TypeScript
// over the WebAssembly heap, some calling the SIMD loops of simd.ts (the tensors never leave wasm memory):
//
//  - TicketLabGatherRows: rows of a staged [n, ...] tensor picked by index, or a contiguous range.
//    The stock wasm GatherV2 computes every element's coordinates (≈3.5 ms for one MNIST batch of 60),
//    and its Slice copies the WHOLE source tensor out of the heap first (≈100 ms on the MNIST train set);
//    this kernel is one memmove per row.
//  - TicketLabMaxPool2x2Grad: the backward pass of a 2x2/stride-2 max-pool (see ops.ts). The stock wasm
//    MaxPoolGrad takes ≈170 ms on a Conv2 batch; this takes a few ms (SIMD over 4 channels at a time
//    when the channel count is a multiple of 4, else a scalar loop).
//  - TicketLabColumnSums: Σ over the rows of a [rows, cols] matrix (bias gradients) with SIMD adds
//    (simd.ts). Sum over axis 0 transposes first, and a matMul with a row of ones re-packs the matrix.
//  - TicketLabSwapOuterInner: transpose [a, h, w, z] → [z, h, w, a] (perm [3,1,2,0]), optionally with
//    zero padding of the middle axes: the batch↔channel swap of the conv filter gradient. The stock
//    wasm Transpose walks it element by element with a 64-float stride (≈90–190 ms for a Conv2
//    activation); this transposes 4x4 blocks with SIMD shuffles.
//  - TicketLabTranspose2D: a matrix transpose in SIMD 4x4 blocks, optionally adding a bias per source
//    row and applying ReLU (the epilogue of the transposed dense layer, ops.ts).
//  - TicketLabReluGrad: dz = dy where y > 0 (one SIMD pass instead of Step + Multiply).
//  - Identity (replaces the stock wasm kernel): shares the input's buffer instead of copying it.
//  - TicketLabIm2ColRowsT: the im2colᵀ rows of a 3x3 convolution for a few image rows, copied as
//    contiguous segments (the filter gradient as matMuls, ops.ts).
//
// Other backends use the stock ops (`gatherRows`/`sliceRows` fall back to tf.gather/tf.slice; ops.ts
// falls back to MaxPoolGrad, the dense and conv ops to stock transposes and convolutions), which are fast
// there. Every kernel is checked against the stock ops in test/unit/engine/gradients.test.ts.
import * as tf from '@tensorflow/tfjs-core';
// Registers the stock wasm kernels first, so that registerWasmKernels() can replace Identity.
import '@tensorflow/tfjs-backend-wasm';
import { simdForWasmModule, type WasmModuleView } from './simd';
const GATHER_ROWS = 'TicketLabGatherRows';
/** Name of the 2x2 max-pool backward kernel (used by ops.ts when registered for the active backend). */
export const MAX_POOL_GRAD_2X2 = 'TicketLabMaxPool2x2Grad';

/** The few members of the wasm backend (BackendWasm) these kernels use. */
interface WasmBackendView {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  incRef(dataId: object): void;
  wasm: WasmModuleView;
}

function byteOffset(backend: WasmBackendView, t: tf.TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (!entry) throw new Error('wasm kernel: tensor data not found on the wasm backend');
  return entry.memoryOffset;
}

function rowBytes(t: tf.TensorInfo): number {
  let size = 4; // float32 and int32 are 4 bytes per element
  for (let i = 1; i < t.shape.length; i++) size *= t.shape[i];
  return size;
}

const gatherRowsKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`${GATHER_ROWS}: dtype ${x.dtype} is not supported`);
  const rows = attrs!.rows as unknown as Int32Array | null;
  const start = attrs!.start as number;
  const count = rows ? rows.length : (attrs!.count as number);
  const n = x.shape[0];
  const out = be.makeOutput([count, ...x.shape.slice(1)], x.dtype);
  // Read the heap only after allocating: allocation may grow (and replace) the wasm memory buffer.
  const heap = be.wasm.HEAPU8;
  const src = byteOffset(be, x);
  const dst = byteOffset(be, out);
  const size = rowBytes(x);
  if (rows) {
    for (let i = 0; i < count; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < n)) throw new Error(`${GATHER_ROWS}: row ${r} is out of range [0, ${n})`);
      heap.copyWithin(dst + i * size, src + r * size, src + (r + 1) * size);
    }
  } else {
    if (start < 0 || start + count > n) throw new Error(`${GATHER_ROWS}: rows [${start}, ${start + count}) out of range [0, ${n})`);
    heap.copyWithin(dst, src + start * size, src + (start + count) * size);
  }
  return out;
};

const maxPool2x2GradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const [n, h, w, c] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`${MAX_POOL_GRAD_2X2}: height and width must be even`);
  const out = be.makeOutput(x.shape, 'float32');
  const simd = simdForWasmModule(be.wasm);
  if (simd && c % 4 === 0) {
    simd.maxpoolgrad(byteOffset(be, x), byteOffset(be, dy), byteOffset(be, out), (n * h) >> 1, w >> 1, c * 4, w * c * 4);
    return out;
  }
  const heap = new Float32Array(be.wasm.HEAPU8.buffer);
  const xo = byteOffset(be, x) >> 2;
  const dyo = byteOffset(be, dy) >> 2;
  const oo = byteOffset(be, out) >> 2;
  heap.fill(0, oo, oo + n * h * w * c);
  const rowStride = w * c;
  const oh = h >> 1;
  const ow = w >> 1;
  let d = dyo;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const base = ((b * h + 2 * i) * w + 2 * j) * c;
        for (let ch = 0; ch < c; ch++, d++) {
          // First maximum in row-major window order (strict >), as tfjs's MaxPoolGrad.
          const p00 = base + ch;
          const p01 = p00 + c;
          const p10 = p00 + rowStride;
          const p11 = p10 + c;
          let best = -1;
          let max = Number.NEGATIVE_INFINITY;
          if (heap[xo + p00] > max) { max = heap[xo + p00]; best = p00; }
          if (heap[xo + p01] > max) { max = heap[xo + p01]; best = p01; }
          if (heap[xo + p10] > max) { max = heap[xo + p10]; best = p10; }
          if (heap[xo + p11] > max) { best = p11; }
          if (best >= 0) heap[oo + best] = heap[d];
        }
      }
    }
  }
  return out;
};

const SWAP_OUTER_INNER = 'TicketLabSwapOuterInner';

/** Tile of the blocked transpose, in floats (multiples of 4). */
const TILE_ROWS = 256;
const TILE_COLS = 16;

/**
 * Transpose the [rows x cols] float block at float index `src` (row stride `srs` floats) into the block
 * at `dst` (row stride `drs` floats): dst[c·drs + r] = act(src[r·srs + c] + bias[r]). SIMD 4x4 blocks for
 * the bulk, scalar code for the last rows % 4 rows and cols % 4 columns. `bias` is a float index or -1.
 */
function transposeBlock(
  be: WasmBackendView, src: number, dst: number, rows: number, cols: number, srs: number, drs: number, bias = -1, relu = false,
): void {
  const simd = simdForWasmModule(be.wasm);
  const r4 = simd ? rows - (rows % 4) : 0;
  const c4 = simd ? cols - (cols % 4) : 0;
  if (simd && r4 > 0 && c4 > 0) {
    // Tiles of TILE_ROWS x TILE_COLS: each destination cache line is filled while it is still cached
    // (256x16 tiles, chosen by measurement: a 256x16384 matrix transposes in ≈5.6 ms instead of
    // ≈12.8 ms in one sweep, a 16384x60 one in ≈1.3 instead of ≈2.7 ms).
    for (let r0 = 0; r0 < r4; r0 += TILE_ROWS) {
      const tr = Math.min(TILE_ROWS, r4 - r0);
      for (let c0 = 0; c0 < c4; c0 += TILE_COLS) {
        const tc = Math.min(TILE_COLS, c4 - c0);
        simd.transpose(
          (src + r0 * srs + c0) * 4, (dst + c0 * drs + r0) * 4, tr, tc * 4, srs * 4, drs,
          bias < 0 ? 0 : (bias + r0) * 4, relu,
        );
      }
    }
  }
  const heap = new Float32Array(be.wasm.HEAPU8.buffer);
  const scalar = (r: number, c: number) => {
    let v = heap[src + r * srs + c];
    if (bias >= 0) v = Math.fround(v + heap[bias + r]);
    // As f32x4.max(v, +0): negatives and −0 become +0, NaN stays NaN.
    heap[dst + c * drs + r] = relu && !(v > 0 || Number.isNaN(v)) ? 0 : v;
  };
  for (let r = 0; r < rows; r++) {
    for (let c = r < r4 ? c4 : 0; c < cols; c++) scalar(r, c);
  }
}

const swapOuterInnerKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype !== 'float32' || x.shape.length !== 4) throw new Error(`${SWAP_OUTER_INNER}: float32 rank-4 tensors only`);
  const pad = (attrs?.pad as number | undefined) ?? 0;
  const [a, h, w, z] = x.shape;
  const hp = h + 2 * pad;
  const wp = w + 2 * pad;
  const out = be.makeOutput([z, hp, wp, a], 'float32');
  const xo = byteOffset(be, x) >> 2;
  const oo = byteOffset(be, out) >> 2;
  if (pad > 0) new Float32Array(be.wasm.HEAPU8.buffer).fill(0, oo, oo + z * hp * wp * a);
  const plane = h * w;
  // For each spatial position p: x[:, p, :] is an [a × z] block (row stride plane·z), written as its
  // transpose out[:, p', :] (row stride hp·wp·a) at the (padded) position p'.
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      const p = y * w + xx;
      const q = (y + pad) * wp + xx + pad;
      transposeBlock(be, xo + p * z, oo + q * a, a, z, plane * z, hp * wp * a);
    }
  }
  return out;
};

const TRANSPOSE_2D = 'TicketLabTranspose2D';

/** [rows, cols] → [cols, rows], optionally + bias[row] and ReLU (the dense layer epilogue). */
const transpose2DKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const x = inputs.x as tf.TensorInfo;
  const bias = (inputs.bias as tf.TensorInfo | undefined) ?? null;
  if (x.dtype !== 'float32' || x.shape.length !== 2) throw new Error(`${TRANSPOSE_2D}: float32 matrices only`);
  const [rows, cols] = x.shape;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== rows)) {
    throw new Error(`${TRANSPOSE_2D}: the bias must be float32 [${rows}]`);
  }
  const out = be.makeOutput([cols, rows], 'float32');
  const relu = attrs?.relu === true;
  transposeBlock(be, byteOffset(be, x) >> 2, byteOffset(be, out) >> 2, rows, cols, cols, rows, bias ? byteOffset(be, bias) >> 2 : -1, relu);
  return out;
};

const RELU_GRAD = 'TicketLabReluGrad';

/** dz = dy where y > 0, else +0. */
const reluGradKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const dy = inputs.dy as tf.TensorInfo;
  const y = inputs.y as tf.TensorInfo;
  const n = dy.shape.reduce((p, q) => p * q, 1);
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || y.shape.reduce((p, q) => p * q, 1) !== n) {
    throw new Error(`${RELU_GRAD}: dy and y must be float32 of the same size`);
  }
  const out = be.makeOutput(dy.shape, 'float32');
  const simd = simdForWasmModule(be.wasm);
  const done = simd ? n - (n % 4) : 0;
  if (simd && done > 0) simd.relugrad(byteOffset(be, dy), byteOffset(be, y), byteOffset(be, out), done * 4);
  const heap = new Float32Array(be.wasm.HEAPU8.buffer);
  const [d0, y0, o0] = [dy, y, out].map((t) => byteOffset(be, t) >> 2);
  for (let i = done; i < n; i++) heap[o0 + i] = heap[y0 + i] > 0 ? heap[d0 + i] : 0;
  return out;
};

const IM2COL_ROWS_T = 'TicketLabIm2ColRowsT';

/**
 * im2colᵀ of a 3x3 'same' convolution for image rows [y0, y0 + rows): from xT [cin, h+2, w+2, n] (the
 * zero-padded input with batch and channel axes swapped), the [9·cin, rows·w·n] matrix whose row
 * (kh·3 + kw)·cin + ci holds x[image, y + kh − 1, x + kw − 1, ci] at column (y − y0, x, image). With the
 * batch innermost, each (row, y) segment is one contiguous copy of w·n floats.
 */
const im2colRowsTKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const xT = inputs.x as tf.TensorInfo;
  if (xT.dtype !== 'float32' || xT.shape.length !== 4) throw new Error(`${IM2COL_ROWS_T}: float32 rank-4 input only`);
  const [cin, hp, wp, n] = xT.shape;
  const y0 = attrs!.y0 as number;
  const rows = attrs!.rows as number;
  const w = wp - 2;
  if (!(y0 >= 0 && rows >= 1 && y0 + rows <= hp - 2)) throw new Error(`${IM2COL_ROWS_T}: rows [${y0}, ${y0 + rows}) outside the image`);
  const segment = w * n * 4; // bytes per copied row segment
  const out = be.makeOutput([9 * cin, rows * w * n], 'float32');
  const heap = be.wasm.HEAPU8;
  const src = byteOffset(be, xT);
  let dst = byteOffset(be, out);
  for (let kh = 0; kh < 3; kh++) {
    for (let kw = 0; kw < 3; kw++) {
      for (let ci = 0; ci < cin; ci++) {
        for (let y = 0; y < rows; y++, dst += segment) {
          const from = src + (((ci * hp + y0 + y + kh) * wp + kw) * n) * 4;
          heap.copyWithin(dst, from, from + segment);
        }
      }
    }
  }
  return out;
};

const COLUMN_SUMS = 'TicketLabColumnSums';

const columnSumsKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype !== 'float32' || x.shape.length !== 2) throw new Error(`${COLUMN_SUMS}: float32 matrices only`);
  const [rows, cols] = x.shape;
  const out = be.makeOutput([cols], 'float32');
  const simd = simdForWasmModule(be.wasm);
  const vectorized = simd ? cols - (cols % 4) : 0;
  if (simd) simd.colsum(byteOffset(be, x), byteOffset(be, out), rows, cols * 4, vectorized * 4);
  if (vectorized < cols) {
    // Remaining columns (or all, without SIMD): the same row-order float32 sums.
    const heap = new Float32Array(be.wasm.HEAPU8.buffer);
    const xo = byteOffset(be, x) >> 2;
    const oo = byteOffset(be, out) >> 2;
    for (let c = vectorized; c < cols; c++) {
      let acc = 0;
      for (let r = 0; r < rows; r++) acc = Math.fround(acc + heap[xo + r * cols + c]);
      heap[oo + c] = acc;
    }
  }
  return out;
};

/**
 * Identity without a copy, as the cpu backend does it: the output shares the input's buffer, whose
 * reference count the wasm backend already keeps (tensors are immutable, so sharing is safe). tfjs
 * clones every tensor a custom gradient saves for its backward pass through Identity, and the stock
 * wasm Identity copies: ≈2.7 ms per Conv2 activation, four of them per step.
 */
function identityWithoutCopy(stock: tf.KernelFunc): tf.KernelFunc {
  const shared: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return stock(args);
    (args.backend as unknown as WasmBackendView).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return shared;
}

let sharedIdentity: tf.KernelFunc | null = null;

function installSharedIdentity(): void {
  const current = tf.getKernel('Identity', 'wasm');
  if (!current || current.kernelFunc === sharedIdentity) return;
  sharedIdentity = identityWithoutCopy(current.kernelFunc);
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentity });
}

/** Register the wasm kernels (idempotent; registration is global per tfjs engine). */
export function registerWasmKernels(): void {
  installSharedIdentity();
  if (!tf.getKernel(COLUMN_SUMS, 'wasm')) tf.registerKernel({ kernelName: COLUMN_SUMS, backendName: 'wasm', kernelFunc: columnSumsKernel });
  if (!tf.getKernel(SWAP_OUTER_INNER, 'wasm')) {
    tf.registerKernel({ kernelName: SWAP_OUTER_INNER, backendName: 'wasm', kernelFunc: swapOuterInnerKernel });
  }
  if (!tf.getKernel(TRANSPOSE_2D, 'wasm')) tf.registerKernel({ kernelName: TRANSPOSE_2D, backendName: 'wasm', kernelFunc: transpose2DKernel });
  if (!tf.getKernel(IM2COL_ROWS_T, 'wasm')) {
    tf.registerKernel({ kernelName: IM2COL_ROWS_T, backendName: 'wasm', kernelFunc: im2colRowsTKernel });
  }
  if (!tf.getKernel(RELU_GRAD, 'wasm')) tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradKernel });
  if (!tf.getKernel(GATHER_ROWS, 'wasm')) tf.registerKernel({ kernelName: GATHER_ROWS, backendName: 'wasm', kernelFunc: gatherRowsKernel });
  if (!tf.getKernel(MAX_POOL_GRAD_2X2, 'wasm')) {
    tf.registerKernel({ kernelName: MAX_POOL_GRAD_2X2, backendName: 'wasm', kernelFunc: maxPool2x2GradKernel });
  }
}
registerWasmKernels();

function hasFastGather(): boolean {
  return tf.getKernel(GATHER_ROWS, tf.getBackend()) !== undefined;
}

/** Rows `rows` of x (shape [n, ...]); no gradient. */
export function gatherRows<T extends tf.Tensor>(x: T, rows: Int32Array): T {
  if (hasFastGather()) {
    return tf.engine().runKernel(GATHER_ROWS, { x }, { rows: rows as unknown as number[], start: 0, count: rows.length }) as T;
  }
  return tf.tidy(() => tf.gather(x, tf.tensor1d(rows, 'int32'))) as T;
}

/** Rows [start, start + count) of x (shape [n, ...]); no gradient. */
export function sliceRows<T extends tf.Tensor>(x: T, start: number, count: number): T {
  if (hasFastGather()) {
    return tf.engine().runKernel(GATHER_ROWS, { x }, { rows: null as unknown as number[], start, count }) as T;
  }
  const begin = x.shape.map((_, i) => (i === 0 ? start : 0));
  const size = x.shape.map((s, i) => (i === 0 ? count : s));
  return tf.slice(x, begin, size) as T;
}

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * transpose(x, [3, 1, 2, 0]) for a rank-4 tensor, with `pad` zeros added on each side of the two middle
 * (spatial) axes: [a, h, w, z] → [z, h + 2·pad, w + 2·pad, a]. No gradient.
 */
export function swapOuterInner(x: tf.Tensor4D, pad = 0): tf.Tensor4D {
  if (hasKernel(SWAP_OUTER_INNER)) return tf.engine().runKernel(SWAP_OUTER_INNER, { x }, { pad }) as tf.Tensor4D;
  return tf.tidy(() => {
    const t = tf.transpose(x, [3, 1, 2, 0]);
    return pad > 0 ? tf.pad(t, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : t;
  });
}

/**
 * Whether the active backend re-packs the right-hand matMul operand on every call (tfjs-wasm's XNNPACK),
 * so that ops.ts should keep large, freshly updated kernels on the left. Native TensorFlow does not.
 */
export function prefersLeftOperand(): boolean {
  return hasKernel(TRANSPOSE_2D);
}

/** xᵀ for a matrix; no gradient. */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (hasKernel(TRANSPOSE_2D)) return tf.engine().runKernel(TRANSPOSE_2D, { x }, { relu: false }) as tf.Tensor2D;
  return tf.transpose(x);
}

/** act(zᵀ + b) for z [out, n] and b [out] → [n, out]: a dense layer's epilogue in one pass; no gradient. */
export function transposeBiasAct(z: tf.Tensor2D, b: tf.Tensor1D, relu: boolean): tf.Tensor2D {
  if (hasKernel(TRANSPOSE_2D)) return tf.engine().runKernel(TRANSPOSE_2D, { x: z, bias: b }, { relu }) as tf.Tensor2D;
  return tf.tidy(() => {
    const y = tf.add(tf.transpose(z), b);
    return (relu ? tf.relu(y) : y) as tf.Tensor2D;
  });
}

/** Whether the active backend has the im2colᵀ kernel (ops.ts then computes conv filter gradients as matMuls). */
export function hasIm2col(): boolean {
  return hasKernel(IM2COL_ROWS_T);
}

/**
 * im2colᵀ rows of a 3x3 'same' convolution for image rows [y0, y0 + rows): xT is the zero-padded input
 * with batch and channel axes swapped, swapOuterInner(x, 1) = [cin, h+2, w+2, n]; the result is
 * [9·cin, rows·w·n] (see the kernel). wasm only (check hasIm2col()); no gradient.
 */
export function im2colRowsT(xT: tf.Tensor4D, y0: number, rows: number): tf.Tensor2D {
  return tf.engine().runKernel(IM2COL_ROWS_T, { x: xT }, { y0, rows }) as tf.Tensor2D;
}

/** ReLU's backward pass from its output y: dy where y > 0, else 0; no gradient. */
export function reluGrad<T extends tf.Tensor>(dy: T, y: tf.Tensor): T {
  if (hasKernel(RELU_GRAD)) return tf.engine().runKernel(RELU_GRAD, { dy, y }, {}) as T;
  return tf.mul(dy, tf.step(y));
}

/** Σ over the rows of a [rows, cols] matrix → [cols]; no gradient. */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  if (tf.getKernel(COLUMN_SUMS, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(COLUMN_SUMS, { x }, {}) as tf.Tensor1D;
  }
  return tf.sum(x, 0);
}
