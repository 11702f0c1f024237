// One-pass optimizer updates, registered as a kernel for the wasm and cpu backends.
//
// Adam as a chain of tfjs ops is 12 element-wise kernels per parameter tensor, each allocating a fresh
// output; for LeNet-300-100 that is ~30 passes over 266K floats per step and about a quarter of a wasm
// training step. This kernel reads w, g, mask and the state once and writes the new w and state once,
// On wasm it is a SIMD loop on the backend's memory (simd.ts); on cpu the scalar reference below
// over the backend's typed arrays. Both round every operation to float32 and give identical bits.
// Frozen entries (mask 0) are copied unchanged, so they stay bit-identical by construction.
import * as tf from '@tensorflow/tfjs-core';
import { simdForWasmModule, type WasmModuleView } from './simd';

export const OPTIMIZER_STEP = 'TicketLabOptimizerStep';

export type UpdateKind = 'adam' | 'momentum' | 'sgd';

export interface UpdateConstants {
  /** Step size: lr for sgd and momentum, the bias-corrected lr_t for Adam. */
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  momentum: number;
}

const f = Math.fround;

/**
 * Adam (TF1 form) over flat arrays: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − (m·lr)/(√v + ε),
 * every operation rounded to float32 exactly as the SIMD loop (simd.ts) does, so both give
 * identical bits. Entries with mask 0 are copied unchanged. `out*` must not alias the inputs.
 */
export function adamUpdate(
  w: Float32Array, g: Float32Array, mask: Float32Array | null, m: Float32Array, v: Float32Array,
  outW: Float32Array, outM: Float32Array, outV: Float32Array, c: UpdateConstants,
): void {
  const lr = f(c.lr);
  const b1 = f(c.beta1);
  const a1 = f(1 - c.beta1);
  const b2 = f(c.beta2);
  const a2 = f(1 - c.beta2);
  const eps = f(c.epsilon);
  const n = w.length;
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] === 0) {
      outW[i] = w[i];
      outM[i] = m[i];
      outV[i] = v[i];
      continue;
    }
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * a1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * a2));
    outM[i] = mi;
    outV[i] = vi;
    outW[i] = w[i] - f(f(mi * lr) / f(f(Math.sqrt(vi)) + eps));
  }
}

/** Momentum (TF form): a ← μ·a + g; w ← w − a·lr (float32 per operation). Mask 0 entries are copied. */
export function momentumUpdate(
  w: Float32Array, g: Float32Array, mask: Float32Array | null, a: Float32Array,
  outW: Float32Array, outA: Float32Array, c: UpdateConstants,
): void {
  const lr = f(c.lr);
  const mu = f(c.momentum);
  const n = w.length;
  for (let i = 0; i < n; i++) {
    if (mask !== null && mask[i] === 0) {
      outW[i] = w[i];
      outA[i] = a[i];
      continue;
    }
    const ai = f(f(a[i] * mu) + g[i]);
    outA[i] = ai;
    outW[i] = w[i] - f(ai * lr);
  }
}

/** Plain SGD: w ← w − g·lr (float32 per operation). Entries with mask 0 are copied unchanged. */
export function sgdUpdate(w: Float32Array, g: Float32Array, mask: Float32Array | null, outW: Float32Array, c: UpdateConstants): void {
  const lr = f(c.lr);
  const n = w.length;
  for (let i = 0; i < n; i++) outW[i] = mask !== null && mask[i] === 0 ? w[i] : w[i] - f(g[i] * lr);
}

/** Apply one update over whole arrays with the scalar reference. */
function scalarUpdate(kind: UpdateKind, w: Float32Array, g: Float32Array, mask: Float32Array | null, state: Float32Array[], outW: Float32Array, outState: Float32Array[], c: UpdateConstants): void {
  if (kind === 'adam') adamUpdate(w, g, mask, state[0], state[1], outW, outState[0], outState[1], c);
  else if (kind === 'momentum') momentumUpdate(w, g, mask, state[0], outW, outState[0], c);
  else sgdUpdate(w, g, mask, outW, c);
}

/** How many state tensors each update keeps (besides w). */
export const STATE_COUNT: Record<UpdateKind, number> = { adam: 2, momentum: 1, sgd: 0 };

interface WasmBackendView {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: WasmModuleView;
}

interface CpuBackendView {
  data: { get(dataId: object): { values: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

function sizeOf(t: tf.TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

interface StepArgs {
  kind: UpdateKind;
  c: UpdateConstants;
  w: tf.TensorInfo;
  g: tf.TensorInfo;
  mask: tf.TensorInfo | null;
  state: tf.TensorInfo[];
}

function stepArgs(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): StepArgs {
  const kind = attrs.kind as UpdateKind;
  const state = [inputs.s0, inputs.s1].slice(0, STATE_COUNT[kind]) as tf.TensorInfo[];
  const { w, g } = inputs;
  if (!w || !g) throw new Error(`${OPTIMIZER_STEP}: inputs w and g are required`);
  const args: StepArgs = { kind, c: attrs as unknown as UpdateConstants, w, g, mask: inputs.mask ?? null, state };
  const n = sizeOf(args.w);
  for (const t of [args.g, args.mask, ...state]) {
    if (t && (t.dtype !== 'float32' || sizeOf(t) !== n)) throw new Error(`${OPTIMIZER_STEP}: all inputs must be float32 of ${n} elements`);
  }
  return args;
}

const wasmKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const be = backend as unknown as WasmBackendView;
  const { kind, c, w, g, mask, state } = stepArgs(inputs, attrs!);
  // Allocate every output before taking addresses or views: allocation may grow the heap.
  const outs = [w, ...state].map((t) => be.makeOutput(t.shape, 'float32'));
  const ptr = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId)!.memoryOffset;
  const n = sizeOf(w);
  const vectorized = n - (n % 4);
  const simd = simdForWasmModule(be.wasm);
  const done = simd ? vectorized : 0;
  if (simd && done > 0) {
    const [ow, ...os] = outs.map(ptr);
    const m = mask ? ptr(mask) : 0;
    const bytes = done * 4;
    if (kind === 'adam') {
      simd.adam(ptr(w), ptr(g), m, ptr(state[0]), ptr(state[1]), ow, os[0], os[1], bytes,
        c.lr, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.epsilon);
    } else if (kind === 'momentum') {
      simd.momentum(ptr(w), ptr(g), m, ptr(state[0]), ow, os[0], bytes, c.lr, c.momentum);
    } else {
      simd.sgd(ptr(w), ptr(g), m, ow, bytes, c.lr);
    }
  }
  if (done < n) {
    // The scalar reference for what SIMD did not cover (the last n mod 4 elements, or all of them).
    const view = (t: tf.TensorInfo) => new Float32Array(be.wasm.HEAPU8.buffer, ptr(t) + done * 4, n - done);
    const [outW, ...outState] = outs.map(view);
    scalarUpdate(kind, view(w), view(g), mask ? view(mask) : null, state.map(view), outW, outState, c);
  }
  return outs;
};

const cpuKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const be = backend as unknown as CpuBackendView;
  const { kind, c, w, g, mask, state } = stepArgs(inputs, attrs!);
  const view = (t: tf.TensorInfo) => be.data.get(t.dataId)!.values as Float32Array;
  const outArrays = [w, ...state].map((t) => new Float32Array(sizeOf(t)));
  const [outW, ...outState] = outArrays;
  scalarUpdate(kind, view(w), view(g), mask ? view(mask) : null, state.map(view), outW, outState, c);
  return outArrays.map((values) => be.makeTensorInfo(w.shape, 'float32', values));
};

/** Register the kernel for wasm and cpu (idempotent). */
export function registerOptimizerKernels(): void {
  if (!tf.getKernel(OPTIMIZER_STEP, 'wasm')) {
    tf.registerKernel({ kernelName: OPTIMIZER_STEP, backendName: 'wasm', kernelFunc: wasmKernel });
  }
  if (!tf.getKernel(OPTIMIZER_STEP, 'cpu')) {
    tf.registerKernel({ kernelName: OPTIMIZER_STEP, backendName: 'cpu', kernelFunc: cpuKernel });
  }
}
registerOptimizerKernels();

/** Whether the active backend has the one-pass optimizer kernel. */
export function hasFusedOptimizer(): boolean {
  return tf.getKernel(OPTIMIZER_STEP, tf.getBackend()) !== undefined;
}

/**
 * One update of w (and its state tensors) as a single kernel call. Returns [w', ...state'] (new tensors).
 */
export function fusedStep(
  kind: UpdateKind,
  w: tf.Tensor,
  g: tf.Tensor,
  mask: tf.Tensor | null,
  state: tf.Tensor[],
  c: UpdateConstants,
): tf.Tensor[] {
  const inputs: tf.NamedTensorMap = { w, g };
  if (mask) inputs.mask = mask;
  state.forEach((s, i) => (inputs[`s${i}`] = s));
  const attrs = { kind, ...c } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(OPTIMIZER_STEP, inputs, attrs) as unknown as tf.Tensor[];
}
