// A network built from its plain-data definition (src/common/nets.ts): one kernel and one bias variable
// per layer, and the forward pass composed of the custom-gradient ops in ops.ts.
//
// Masks are not part of the forward pass: a pruned or frozen weight simply holds its fixed value (0 for
// pruned weights by default) in the kernel variable, and the optimizer (optimizers.ts) never moves it.
//
// Layout: kernels are exchanged in tfjs layout (nets.ts). Internally the first dense layer's kernel (the
// largest dense kernel of every net here) is stored transposed (see ops.ts, denseTransposed: ~15% faster
// FC steps on wasm); masks for the optimizer come from `maskTensor`, which applies the same layout.
import * as tf from '@tensorflow/tfjs-core';
import { kernelSize, type LayerDef, type NetDef } from '../../common/nets';
import { transpose2d } from './kernels';
import { conv3x3Relu, dense, denseTransposed, flatten, maxPool2x2, type ConvGradMode } from './ops';

export interface NetWeights {
  kernels: Float32Array[];
  biases: Float32Array[];
}

/** The backward variant for conv layers on the active backend: native kernels where they are fast. */
export function defaultConvGradMode(backendName = tf.getBackend()): ConvGradMode {
  return backendName === 'tensorflow' ? 'native' : 'conv';
}

/** Elements of the largest activation one example produces (sizes evaluation batches). */
export function maxActivationPerExample(net: NetDef): number {
  const [h0, w0, c0] = net.inputShape;
  let size = h0 * w0 * c0;
  let h = h0;
  let w = w0;
  for (const l of net.layers) {
    if (l.kind === 'conv') {
      size = Math.max(size, h * w * l.kernelShape[3]);
      if (l.poolAfter) {
        h /= 2;
        w /= 2;
      }
    } else {
      size = Math.max(size, l.kernelShape[1]);
    }
  }
  return size;
}

export interface NetModelOptions {
  /** Conv backward variant (default: by backend, see defaultConvGradMode). */
  convGradMode?: ConvGradMode;
  /** Store the first dense layer's kernel transposed (default true). */
  transposeFirstDense?: boolean;
}

export class NetModel {
  /** Kernel variables in the internal layout (see `transposed`). */
  readonly kernels: tf.Variable[];
  readonly biases: tf.Variable[];
  /** Per layer: whether its kernel variable holds the transpose [out, in] of the tfjs-layout kernel. */
  readonly transposed: boolean[];
  private readonly firstDense: number;
  private readonly convGradMode: ConvGradMode;

  constructor(
    readonly net: NetDef,
    options: NetModelOptions = {},
  ) {
    this.firstDense = net.layers.findIndex((l) => l.kind !== 'conv');
    checkLayerOrder(net.layers, this.firstDense);
    this.convGradMode = options.convGradMode ?? defaultConvGradMode();
    const transposeFirst = options.transposeFirstDense ?? true;
    this.transposed = net.layers.map((_, i) => transposeFirst && i === this.firstDense);
    this.kernels = net.layers.map((_, i) => tf.tidy(() => tf.variable(tf.zeros(this.internalShape(i)), true)));
    this.biases = net.layers.map((l) => tf.tidy(() => tf.variable(tf.zeros([l.biasSize]), true)));
  }

  private internalShape(i: number): number[] {
    const shape = this.net.layers[i].kernelShape;
    return this.transposed[i] ? [shape[1], shape[0]] : shape;
  }

  /** A host array in tfjs kernel layout as a tensor in layer i's internal layout. */
  private toInternal(i: number, values: Float32Array): tf.Tensor {
    return tf.tidy(() => {
      const t = tf.tensor(values, this.net.layers[i].kernelShape, 'float32');
      return this.transposed[i] ? tf.transpose(t) : t;
    });
  }

  /** Layer i's 0/1 trainable mask as a float32 tensor in the kernel variable's layout (caller disposes). */
  maskTensor(i: number, trainable: Uint8Array): tf.Tensor {
    if (trainable.length !== kernelSize(this.net.layers[i])) {
      throw new Error(`${this.net.layers[i].name}: trainable mask must have ${kernelSize(this.net.layers[i])} entries`);
    }
    return this.toInternal(i, Float32Array.from(trainable));
  }

  /** Variables in optimizer order: kernel 0, bias 0, kernel 1, bias 1, ... */
  get variables(): tf.Variable[] {
    return this.kernels.flatMap((k, i) => [k, this.biases[i]]);
  }

  /** Load weights (host arrays in tfjs layout) into the variables. */
  setWeights(w: NetWeights): void {
    const { layers } = this.net;
    if (w.kernels.length !== layers.length || w.biases.length !== layers.length) {
      throw new Error(`expected ${layers.length} kernels and biases, got ${w.kernels.length} and ${w.biases.length}`);
    }
    layers.forEach((l, i) => {
      if (w.kernels[i].length !== kernelSize(l)) throw new Error(`${l.name}: kernel has ${w.kernels[i].length} values, expected ${kernelSize(l)}`);
      if (w.biases[i].length !== l.biasSize) throw new Error(`${l.name}: bias has ${w.biases[i].length} values, expected ${l.biasSize}`);
      tf.tidy(() => {
        this.kernels[i].assign(this.toInternal(i, w.kernels[i]));
        this.biases[i].assign(tf.tensor1d(w.biases[i], 'float32'));
      });
    });
  }

  /** Read the current weights back to the host (fresh arrays the caller owns, in tfjs layout). */
  async getWeights(): Promise<NetWeights> {
    // Copies: the cpu backend's reads return its own buffers, which must not be shared with callers.
    const read = async (t: tf.Tensor) => ((await t.data()) as Float32Array).slice();
    const kernels = await Promise.all(
      this.kernels.map(async (k, i) => {
        if (!this.transposed[i]) return read(k);
        const t = tf.transpose(k);
        try {
          return await read(t);
        } finally {
          t.dispose();
        }
      }),
    );
    const biases = await Promise.all(this.biases.map(read));
    return { kernels, biases };
  }

  /**
   * Logits for a batch of flattened images x [n, h·w·c] (HWC order, scaled to [0, 1]). Differentiable
   * with respect to the variables (not x) when called under tf.variableGrads.
   */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    const { layers, inputShape } = this.net;
    const n = x.shape[0];
    let h: tf.Tensor = x;
    if (this.firstDense > 0) {
      h = tf.reshape(x, [n, ...inputShape]);
      for (let i = 0; i < this.firstDense; i++) {
        const l = layers[i];
        h = conv3x3Relu(h as tf.Tensor4D, this.kernels[i] as tf.Tensor4D, this.biases[i] as tf.Tensor1D, {
          inputGrad: i > 0,
          gradMode: this.convGradMode,
        });
        if (l.poolAfter) h = maxPool2x2(h as tf.Tensor4D);
      }
      h = flatten(h);
    }
    for (let i = this.firstDense; i < layers.length; i++) {
      const relu = i < layers.length - 1;
      const [w, b] = [this.kernels[i] as tf.Tensor2D, this.biases[i] as tf.Tensor1D];
      const opts = { relu, inputGrad: i > 0 };
      h = this.transposed[i] ? denseTransposed(h as tf.Tensor2D, w, b, opts) : dense(h as tf.Tensor2D, w, b, opts);
    }
    return h as tf.Tensor2D;
  }

  /**
   * The kernels in the layout inference wants: tfjs layout for every layer (the transposed first dense
   * kernel transposed back). Tensors the caller must dispose are listed in `owned`. Take them once per
   * evaluation: XNNPACK packs a right-hand matMul operand once per tensor, so every batch of the
   * evaluation reuses the packed kernel.
   */
  inferenceKernels(): { kernels: tf.Tensor[]; owned: tf.Tensor[] } {
    const owned: tf.Tensor[] = [];
    const kernels = this.kernels.map((k, i) => {
      if (!this.transposed[i]) return k;
      const t = transpose2d(k as tf.Tensor2D);
      owned.push(t);
      return t;
    });
    return { kernels, owned };
  }

  /**
   * Logits for evaluation (no gradient): the same function as `logits`, with every dense layer one fused
   * matMul + bias + ReLU of the batch (left) and the tfjs-layout kernel (right, packed once per
   * evaluation), and conv layers one fused convolution each. `kernels` from inferenceKernels().
   */
  inferenceLogits(x: tf.Tensor2D, kernels: tf.Tensor[]): tf.Tensor2D {
    const { layers, inputShape } = this.net;
    const n = x.shape[0];
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      if (this.firstDense > 0) {
        h = tf.reshape(x, [n, ...inputShape]);
        for (let i = 0; i < this.firstDense; i++) {
          h = tf.fused.conv2d({ x: h as tf.Tensor4D, filter: kernels[i] as tf.Tensor4D, bias: this.biases[i], strides: 1, pad: 'same', activation: 'relu' });
          if (layers[i].poolAfter) h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        }
        h = tf.reshape(h, [n, -1]);
      }
      for (let i = this.firstDense; i < layers.length; i++) {
        const relu = i < layers.length - 1;
        h = tf.fused.matMul({ a: h as tf.Tensor2D, b: kernels[i] as tf.Tensor2D, bias: this.biases[i], activation: relu ? 'relu' : 'linear' });
      }
      return h as tf.Tensor2D;
    });
  }

  dispose(): void {
    tf.dispose([...this.kernels, ...this.biases]);
  }
}

function checkLayerOrder(layers: LayerDef[], firstDense: number): void {
  if (firstDense < 0) throw new Error('a net needs at least one dense layer (the output)');
  for (let i = firstDense; i < layers.length; i++) {
    if (layers[i].kind === 'conv') throw new Error(`${layers[i].name}: conv layers must come before dense layers`);
  }
  for (let i = 0; i < firstDense; i++) {
    if (layers[i].kernelShape[0] !== 3 || layers[i].kernelShape[1] !== 3) throw new Error(`${layers[i].name}: only 3x3 convolutions are supported`);
  }
}
