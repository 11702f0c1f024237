// Mean softmax cross-entropy and its gradient in ONE kernel, registered for wasm and cpu.
//
// As tfjs ops the loss is ~10 small kernels forward (logSoftmax alone is six) and 4 backward; on a
// batch of 60x10 logits each costs more in dispatch than in arithmetic. This kernel reads the logits and
// one-hot labels once and writes the loss (mean over the batch) and the gradient (softmax − onehot)/n,
// which the backward pass then only scales by dy. Arithmetic in float64, rounded to float32 on output:
// the same bits on both backends (plain JavaScript, fixed order).
import * as tf from '@tensorflow/tfjs-core';

export const SOFTMAX_XENT = 'TicketLabSoftmaxXent';

/**
 * loss = −(1/n)·Σ_i Σ_j onehot[i,j]·log softmax(logits[i])_j, grad = (softmax(logits) − onehot)/n, for
 * row-major [n, k] arrays. Writes `grad` and returns the loss.
 */
export function softmaxXent(logits: Float32Array, onehot: Float32Array, n: number, k: number, grad: Float32Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[row + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[row + j] - max);
    const logSum = Math.log(sum);
    for (let j = 0; j < k; j++) {
      const logp = logits[row + j] - max - logSum;
      const y = onehot[row + j];
      if (y !== 0) total -= y * logp;
      grad[row + j] = (Math.exp(logp) - y) / n;
    }
  }
  return n > 0 ? total / n : Number.NaN;
}

interface WasmView {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: { HEAPU8: Uint8Array };
}

interface CpuView {
  data: { get(dataId: object): { values: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

function check(logits: tf.TensorInfo, onehot: tf.TensorInfo): [number, number] {
  if (logits.shape.length !== 2 || logits.dtype !== 'float32') throw new Error(`${SOFTMAX_XENT}: logits must be a float32 matrix`);
  if (onehot.dtype !== 'float32' || onehot.shape.join() !== logits.shape.join()) {
    throw new Error(`${SOFTMAX_XENT}: labels must be float32 of shape [${logits.shape.join(', ')}]`);
  }
  return [logits.shape[0], logits.shape[1]];
}

const wasmKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const be = backend as unknown as WasmView;
  const { logits, onehot } = inputs as { logits: tf.TensorInfo; onehot: tf.TensorInfo };
  const [n, k] = check(logits, onehot);
  const loss = be.makeOutput([], 'float32');
  const grad = be.makeOutput([n, k], 'float32');
  // Views only after every allocation: allocating may grow (replace) the wasm memory buffer.
  const view = (t: tf.TensorInfo, size: number) => new Float32Array(be.wasm.HEAPU8.buffer, be.dataIdMap.get(t.dataId)!.memoryOffset, size);
  view(loss, 1)[0] = softmaxXent(view(logits, n * k), view(onehot, n * k), n, k, view(grad, n * k));
  return [loss, grad];
};

const cpuKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const be = backend as unknown as CpuView;
  const { logits, onehot } = inputs as { logits: tf.TensorInfo; onehot: tf.TensorInfo };
  const [n, k] = check(logits, onehot);
  const values = (t: tf.TensorInfo) => be.data.get(t.dataId)!.values as Float32Array;
  const grad = new Float32Array(n * k);
  const loss = Float32Array.of(softmaxXent(values(logits), values(onehot), n, k, grad));
  return [be.makeTensorInfo([], 'float32', loss), be.makeTensorInfo([n, k], 'float32', grad)];
};

/** Register the kernel for wasm and cpu (idempotent). */
export function registerXentKernels(): void {
  if (!tf.getKernel(SOFTMAX_XENT, 'wasm')) tf.registerKernel({ kernelName: SOFTMAX_XENT, backendName: 'wasm', kernelFunc: wasmKernel });
  if (!tf.getKernel(SOFTMAX_XENT, 'cpu')) tf.registerKernel({ kernelName: SOFTMAX_XENT, backendName: 'cpu', kernelFunc: cpuKernel });
}
registerXentKernels();

/** Whether the active backend has the fused kernel. */
export function hasXentKernel(): boolean {
  return tf.getKernel(SOFTMAX_XENT, tf.getBackend()) !== undefined;
}

/** [mean loss, (softmax − onehot)/n] in one kernel call (check hasXentKernel() first); no gradient. */
export function softmaxXentWithGrad(logits: tf.Tensor2D, onehot: tf.Tensor2D): [tf.Scalar, tf.Tensor2D] {
  return tf.engine().runKernel(SOFTMAX_XENT, { logits, onehot }, {}) as unknown as [tf.Scalar, tf.Tensor2D];
}
