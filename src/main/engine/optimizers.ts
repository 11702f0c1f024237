// Optimizers that respect a 0/1 trainable mask EXACTLY (SCIENCE.md §2: frozen weights never move).
//
// A frozen entry gets a zero gradient, its optimizer state starts at exactly +0 (a fresh optimizer per
// round) and stays +0, and the update subtracted from it is exactly +0, so `w − (+0)` returns w bit for
// bit (including −0 and nonzero frozen values). The mask is folded into a constant the step multiplies
// by anyway, so masking costs no extra pass over the weights for Adam and SGD:
//
//   Adam      m ← β1·m + g·((1−β1)·mask)          (m of a frozen entry: +0 + (±0) = +0)
//             v ← β2·v + (1−β2)·g²                 (may grow for frozen entries; harmless, see below)
//             w ← w − lr_t · m / (√v + ε),  lr_t = lr·√(1−β2^t)/(1−β1^t)
//             A frozen entry's update is (+0)/(positive)·lr_t = +0.
//   momentum  a ← μ·a + g·mask;  w ← w − lr·a      (a of a frozen entry: +0)
//   sgd       w ← w − (g·(lr·mask) + 0)            (the "+ 0" turns −0 into +0)
//
// On wasm and cpu the same updates run as one fused kernel per parameter tensor (fused-optimizer.ts),
// which copies frozen entries unchanged; the op chains below serve the native TensorFlow backends.
//
// Adam follows TensorFlow 1's AdamOptimizer (what the Z19 reference code used): ε = 1e-8 added to √v
// (not to the bias-corrected √v̂), β1 = 0.9, β2 = 0.999. Momentum follows TF/Keras: a ← μa + g; w ← w − lr·a.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerId } from '../../common/spec';
import { fusedStep, hasFusedOptimizer, STATE_COUNT, type UpdateConstants } from './fused-optimizer';

export interface TrainingHyper {
  optimizer: OptimizerId;
  lr: number;
  /** Momentum coefficient μ (the 'momentum' optimizer only). */
  momentum: number;
}

/** One trainable tensor and its mask (1 = trains, 0 = frozen); `mask` null means every entry trains. */
export interface MaskedParam {
  variable: tf.Variable;
  mask: tf.Tensor | null;
}

export interface MaskedOptimizer {
  /** Apply one step; `grads[i]` is the gradient of `params[i]`. Disposes nothing it did not create. */
  step(grads: tf.Tensor[]): void;
  /** Free the optimizer state (call at the end of a round). */
  dispose(): void;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

function zerosLikeVariable(v: tf.Variable): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zerosLike(v), false));
}

/** `mask · c` as a kept tensor, or the scalar c when there is no mask. */
function scaledMask(mask: tf.Tensor | null, c: number): tf.Tensor {
  return tf.tidy(() => (mask ? tf.mul(mask, c) : tf.scalar(c)));
}

class Adam implements MaskedOptimizer {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  /** (1−β1)·mask per parameter (the mask folded into the first-moment update). */
  private readonly gScale: tf.Tensor[];
  private readonly beta1 = tf.scalar(ADAM_BETA1);
  private readonly beta2 = tf.scalar(ADAM_BETA2);
  private readonly oneMinusBeta2 = tf.scalar(1 - ADAM_BETA2);
  private readonly epsilon = tf.scalar(ADAM_EPSILON);
  private t = 0;

  constructor(private readonly params: MaskedParam[], private readonly lr: number) {
    this.m = params.map((p) => zerosLikeVariable(p.variable));
    this.v = params.map((p) => zerosLikeVariable(p.variable));
    this.gScale = params.map((p) => scaledMask(p.mask, 1 - ADAM_BETA1));
  }

  step(grads: tf.Tensor[]): void {
    this.t += 1;
    const lrT = (this.lr * Math.sqrt(1 - ADAM_BETA2 ** this.t)) / (1 - ADAM_BETA1 ** this.t);
    tf.tidy(() => {
      const lrTensor = tf.scalar(lrT);
      this.params.forEach((p, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, this.gScale[i]));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), this.oneMinusBeta2));
        const update = tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.epsilon)), lrTensor);
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.variable.assign(tf.sub(p.variable, update));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v, ...this.gScale, this.beta1, this.beta2, this.oneMinusBeta2, this.epsilon]);
  }
}

class Momentum implements MaskedOptimizer {
  private readonly a: tf.Variable[];
  private readonly mu: tf.Scalar;
  private readonly lr: tf.Scalar;

  constructor(private readonly params: MaskedParam[], lr: number, momentum: number) {
    this.a = params.map((p) => zerosLikeVariable(p.variable));
    this.mu = tf.scalar(momentum);
    this.lr = tf.scalar(lr);
  }

  step(grads: tf.Tensor[]): void {
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = p.mask ? tf.mul(grads[i], p.mask) : grads[i];
        const a = tf.add(tf.mul(this.a[i], this.mu), g);
        this.a[i].assign(a);
        p.variable.assign(tf.sub(p.variable, tf.mul(a, this.lr)));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.a, this.mu, this.lr]);
  }
}

class Sgd implements MaskedOptimizer {
  /** lr·mask per parameter (or the scalar lr). */
  private readonly scale: tf.Tensor[];
  private readonly zero = tf.scalar(0);

  constructor(private readonly params: MaskedParam[], lr: number) {
    this.scale = params.map((p) => scaledMask(p.mask, lr));
  }

  step(grads: tf.Tensor[]): void {
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        let update = tf.mul(grads[i], this.scale[i]);
        if (p.mask) update = tf.add(update, this.zero);
        p.variable.assign(tf.sub(p.variable, update));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.scale, this.zero]);
  }
}

/** Any optimizer as one fused kernel call per parameter tensor (wasm and cpu). */
class Fused implements MaskedOptimizer {
  private readonly state: tf.Variable[][];
  private t = 0;

  constructor(
    private readonly params: MaskedParam[],
    private readonly hyper: TrainingHyper,
  ) {
    this.state = params.map((p) => Array.from({ length: STATE_COUNT[hyper.optimizer] }, () => zerosLikeVariable(p.variable)));
  }

  step(grads: tf.Tensor[]): void {
    this.t += 1;
    const { optimizer, lr, momentum } = this.hyper;
    const lrT = optimizer === 'adam' ? (lr * Math.sqrt(1 - ADAM_BETA2 ** this.t)) / (1 - ADAM_BETA1 ** this.t) : lr;
    const c: UpdateConstants = { lr: lrT, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: ADAM_EPSILON, momentum };
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const [w, ...state] = fusedStep(optimizer, p.variable, grads[i], p.mask, this.state[i], c);
        p.variable.assign(w);
        state.forEach((s, j) => this.state[i][j].assign(s));
      });
    });
  }

  dispose(): void {
    tf.dispose(this.state.flat());
  }
}

export type OptimizerImplementation = 'fused' | 'ops';

/**
 * A fresh optimizer (zeroed state) over `params`. Create one per round; dispose it at the round's end.
 * `implementation` defaults to the fused kernel where the active backend has it, else the op chain.
 */
export function createOptimizer(hyper: TrainingHyper, params: MaskedParam[], implementation?: OptimizerImplementation): MaskedOptimizer {
  const impl = implementation ?? (hasFusedOptimizer() ? 'fused' : 'ops');
  if (impl === 'fused') {
    if (!hasFusedOptimizer()) throw new Error(`the fused optimizer kernel is not available on the ${tf.getBackend()} backend`);
    return new Fused(params, hyper);
  }
  switch (hyper.optimizer) {
    case 'adam':
      return new Adam(params, hyper.lr);
    case 'momentum':
      return new Momentum(params, hyper.lr, hyper.momentum);
    case 'sgd':
      return new Sgd(params, hyper.lr);
  }
}
