// Two kernels the wasm backend lacks in a fast form, registered for 'wasm' only and written in plain
// TypeScript over the WebAssembly heap (the tensors never leave wasm memory):
//
//  - TicketLabGatherRows: rows of a staged [n, ...] tensor picked by index, or a contiguous range.
//    The stock wasm GatherV2 computes every element's coordinates (≈3.5 ms for one MNIST batch of 60),
//    and its Slice copies the WHOLE source tensor out of the heap first (≈100 ms on the MNIST train set);
//    this kernel is one memmove per row.
//  - TicketLabMaxPool2x2Grad: the backward pass of a 2x2/stride-2 max-pool (see ops.ts). The stock wasm
//    MaxPoolGrad takes ≈170 ms on a Conv2 batch; this takes a few ms.
//  - TicketLabColumnSums: Σ over the rows of a [rows, cols] matrix (bias gradients) with SIMD adds
//    (simd.ts). Sum over axis 0 transposes first, and a matMul with a row of ones re-packs the matrix.
//  - TicketLabSwapOuterInner: transpose [a, h, w, z] → [z, h, w, a] (perm [3,1,2,0]), the batch↔channel
//    swap of the conv filter gradient. The stock wasm Transpose walks it element by element with a
//    64-float stride (≈90–190 ms for a Conv2 activation); this copies 2-D blocks (≈15 ms).
//
// Other backends use the stock ops (`gatherRows`/`sliceRows` fall back to tf.gather/tf.slice; ops.ts
// falls back to MaxPoolGrad), which are fast there. Both kernels are checked against the stock ops in tests.
import * as tf from '@tensorflow/tfjs-core';
import { simdForWasmModule, type WasmModuleView } from './simd';
const GATHER_ROWS = 'TicketLabGatherRows';
/** Name of the 2x2 max-pool backward kernel (used by ops.ts when registered for the active backend). */
export const MAX_POOL_GRAD_2X2 = 'TicketLabMaxPool2x2Grad';

/** The few members of the wasm backend (BackendWasm) these kernels use. */
interface WasmBackendView {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
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

const swapOuterInnerKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype !== 'float32' || x.shape.length !== 4) throw new Error(`${SWAP_OUTER_INNER}: float32 rank-4 tensors only`);
  const [a, h, w, z] = x.shape;
  const out = be.makeOutput([z, h, w, a], 'float32');
  const heap = new Float32Array(be.wasm.HEAPU8.buffer);
  const xo = byteOffset(be, x) >> 2;
  const oo = byteOffset(be, out) >> 2;
  const plane = h * w;
  // For each spatial position p: x[:, p, :] is an [a × z] block (row stride plane·z), written as its
  // transpose out[:, p, :] (row stride plane·a).
  for (let p = 0; p < plane; p++) {
    const src = xo + p * z;
    const dst = oo + p * a;
    for (let i = 0; i < a; i++) {
      const row = src + i * plane * z;
      for (let k = 0; k < z; k++) heap[dst + k * plane * a + i] = heap[row + k];
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

/** Register the wasm kernels (idempotent; registration is global per tfjs engine). */
export function registerWasmKernels(): void {
  if (!tf.getKernel(COLUMN_SUMS, 'wasm')) tf.registerKernel({ kernelName: COLUMN_SUMS, backendName: 'wasm', kernelFunc: columnSumsKernel });
  if (!tf.getKernel(SWAP_OUTER_INNER, 'wasm')) {
    tf.registerKernel({ kernelName: SWAP_OUTER_INNER, backendName: 'wasm', kernelFunc: swapOuterInnerKernel });
  }
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

/** transpose(x, [3, 1, 2, 0]) for a rank-4 tensor; no gradient. */
export function swapOuterInner(x: tf.Tensor4D): tf.Tensor4D {
  if (tf.getKernel(SWAP_OUTER_INNER, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(SWAP_OUTER_INNER, { x }, {}) as tf.Tensor4D;
  }
  return tf.transpose(x, [3, 1, 2, 0]);
}

/** Σ over the rows of a [rows, cols] matrix → [cols]; no gradient. */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  if (tf.getKernel(COLUMN_SUMS, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(COLUMN_SUMS, { x }, {}) as tf.Tensor1D;
  }
  return tf.sum(x, 0);
}
