// The trainer the run worker calls: one round of training of a masked network (SCIENCE.md §1–§2).
//
//  - Weights come in as host arrays (w_start of the round) with a 0/1 `trainable` mask per kernel; frozen
//    entries keep their value bit for bit (optimizers.ts). Biases always train.
//  - A fresh optimizer per round; per-epoch data order from stream(seed, 'data_order', round).
//  - Batches are gathered on the device from the staged data; the step loop never reads the device
//    synchronously. Progress losses are read asynchronously every `progressEvery` steps.
//  - Evaluation every `evalEvery` iterations and at the last one, on the full validation and test splits in
//    large batches, through the model's inference path (kernels in tfjs layout, packed once per
//    evaluation); trainLoss = mean minibatch loss since the previous evaluation (summed on the device).
//  - Returns the weights at the END of training (w_f), plus every evaluation; `earlyStop` picks the
//    evaluation of minimum validation loss.
import * as tf from '@tensorflow/tfjs-core';
import type { EvalPoint } from '../../common/contract';
import { kernelSize, type NetDef } from '../../common/nets';
import type { RunSpec } from '../../common/spec';
import { BatchOrder, type StagedData, type StagedSplit } from './data';
import { gatherRows, sliceRows } from './kernels';
import { maxActivationPerExample, NetModel, type NetModelOptions } from './model';
import { softmaxCrossEntropy } from './ops';
import { createOptimizer, type MaskedParam } from './optimizers';

export type { EvalPoint } from '../../common/contract';
export { stageData, type StagedData, type StagedSplit, type Split, type DatasetInput } from './data';

export type TrainingSpec = RunSpec['training'];

export interface RoundInput {
  /** w_start per layer (tfjs layout). Frozen entries already hold their fixed value. */
  kernels: Float32Array[];
  biases: Float32Array[];
  /** Per kernel, 1 = trains, 0 = frozen at its value in `kernels`. */
  trainable: Uint8Array[];
  seed: number;
  round: number;
  onProgress?: (p: { iteration: number; loss: number }) => void;
  onEval?: (e: EvalPoint) => void;
  /** Polled between steps (and between evaluation batches); true ends the round promptly. */
  shouldStop?: () => boolean;
  /** Report the minibatch loss every this many steps (default 50). */
  progressEvery?: number;
}

export interface RoundResult {
  /** Weights at the end of training (or where it stopped). */
  kernels: Float32Array[];
  biases: Float32Array[];
  evals: EvalPoint[];
  /** True when shouldStop ended the round early. */
  stopped: boolean;
}

/** Floats one evaluation batch's largest activation may hold (≈32 MB). */
const EVAL_BUDGET_FLOATS = 8 << 20;
const MAX_EVAL_BATCH = 10_000;
const DEFAULT_PROGRESS_EVERY = 50;

/** Evaluation batch size for a net: as large as the activation budget allows. */
export function evalBatchSize(net: NetDef, trainBatch: number): number {
  const byMemory = Math.floor(EVAL_BUDGET_FLOATS / maxActivationPerExample(net));
  return Math.max(1, trainBatch, Math.min(MAX_EVAL_BATCH, byMemory));
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function allOnes(m: Uint8Array): boolean {
  for (let i = 0; i < m.length; i++) if (m[i] !== 1) return false;
  return true;
}

/** Thrown by evaluate() when shouldStop fires mid-evaluation. */
class Stopped extends Error {}

export class Trainer {
  private readonly model: NetModel;
  private readonly evalBatch: number;

  constructor(
    readonly net: NetDef,
    private readonly data: StagedData,
    private readonly training: TrainingSpec,
    options: NetModelOptions = {},
  ) {
    const [h, w, c] = net.inputShape;
    if (data.imageSize !== h * w * c) {
      throw new Error(`${net.id} takes ${h}x${w}x${c} images but the staged data has ${data.imageShape.join('x')}`);
    }
    if (!(training.batchSize >= 1 && training.iterations >= 1 && training.evalEvery >= 1)) {
      throw new Error('training: batchSize, iterations and evalEvery must be positive');
    }
    this.model = new NetModel(net, options);
    this.evalBatch = evalBatchSize(net, training.batchSize);
  }

  async trainRound(o: RoundInput): Promise<RoundResult> {
    const { net, training, data } = this;
    net.layers.forEach((l, i) => {
      if (o.trainable[i]?.length !== kernelSize(l)) throw new Error(`${l.name}: trainable mask must have ${kernelSize(l)} entries`);
    });
    this.model.setWeights({ kernels: o.kernels, biases: o.biases });
    const masks = net.layers.map((_, i) => (allOnes(o.trainable[i]) ? null : this.model.maskTensor(i, o.trainable[i])));
    const params: MaskedParam[] = this.model.kernels.flatMap((k, i) => [
      { variable: k, mask: masks[i] },
      { variable: this.model.biases[i], mask: null },
    ]);
    const variables = params.map((p) => p.variable);
    const optimizer = createOptimizer(training, params);
    const order = new BatchOrder(data.train.count, o.seed, o.round);
    const progressEvery = Math.max(1, o.progressEvery ?? DEFAULT_PROGRESS_EVERY);
    const pendingReads = new Set<Promise<void>>();
    const evals: EvalPoint[] = [];
    let lossSum: tf.Scalar = tf.scalar(0);
    let stepsSinceEval = 0;
    let stopped = false;

    try {
      for (let it = 1; it <= training.iterations; it++) {
        if (o.shouldStop?.()) {
          stopped = true;
          break;
        }
        const loss = this.step(order.next(training.batchSize), variables, optimizer);
        const sum = tf.add(lossSum, loss) as tf.Scalar;
        lossSum.dispose();
        lossSum = sum;
        stepsSinceEval++;

        if (o.onProgress && it % progressEvery === 0) {
          const onProgress = o.onProgress;
          const read: Promise<void> = loss
            .data()
            .then((v) => onProgress({ iteration: it, loss: v[0] }))
            .finally(() => {
              loss.dispose();
              pendingReads.delete(read);
            });
          pendingReads.add(read);
        } else {
          loss.dispose();
        }

        if (it % training.evalEvery === 0 || it === training.iterations) {
          const trainLoss = (await lossSum.data())[0] / stepsSinceEval;
          lossSum.dispose();
          lossSum = tf.scalar(0);
          stepsSinceEval = 0;
          try {
            const point = await this.evaluatePoint(it, trainLoss, o.shouldStop);
            evals.push(point);
            o.onEval?.(point);
          } catch (err) {
            if (!(err instanceof Stopped)) throw err;
            stopped = true;
            break;
          }
        }
        if (it % progressEvery === 0) await yieldToEventLoop();
      }
      await Promise.all(pendingReads);
      const weights = await this.model.getWeights();
      return { ...weights, evals, stopped };
    } finally {
      await Promise.allSettled(pendingReads);
      optimizer.dispose();
      lossSum.dispose();
      tf.dispose(masks.filter((m): m is tf.Tensor => m !== null));
    }
  }

  /** One optimizer step on the given examples; returns the minibatch loss (caller disposes). */
  private step(rows: Int32Array, variables: tf.Variable[], optimizer: ReturnType<typeof createOptimizer>): tf.Scalar {
    const { train } = this.data;
    return tf.tidy(() => {
      const x = gatherRows(train.images, rows);
      const y = gatherRows(train.onehot, rows);
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(this.model.logits(x), y), variables);
      optimizer.step(variables.map((v) => grads[v.name]));
      return value;
    });
  }

  private async evaluatePoint(iteration: number, trainLoss: number, shouldStop?: () => boolean): Promise<EvalPoint> {
    const val = await this.evaluate(this.data.validation, shouldStop);
    const test = await this.evaluate(this.data.test, shouldStop);
    return { iteration, trainLoss, testLoss: test.loss, testAccuracy: test.accuracy, valLoss: val.loss, valAccuracy: val.accuracy };
  }

  /** Mean loss and accuracy over a whole split (NaN for an empty split). */
  async evaluate(split: StagedSplit, shouldStop?: () => boolean): Promise<{ loss: number; accuracy: number }> {
    if (split.count === 0) return { loss: Number.NaN, accuracy: Number.NaN };
    let lossSum: tf.Scalar = tf.scalar(0);
    let correct: tf.Scalar = tf.scalar(0, 'int32');
    const { kernels, owned } = this.model.inferenceKernels();
    try {
      for (let start = 0; start < split.count; start += this.evalBatch) {
        if (shouldStop?.()) throw new Stopped();
        const k = Math.min(this.evalBatch, split.count - start);
        const [l, c] = tf.tidy(() => {
          const logits = this.model.inferenceLogits(sliceRows(split.images, start, k), kernels);
          const batchLoss = tf.mul(softmaxCrossEntropy(logits, sliceRows(split.onehot, start, k)), k);
          const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), sliceRows(split.labels, start, k)), 'int32'));
          return [tf.add(lossSum, batchLoss) as tf.Scalar, tf.add(correct, hits) as tf.Scalar];
        });
        lossSum.dispose();
        correct.dispose();
        lossSum = l;
        correct = c;
        if (start + k < split.count) await yieldToEventLoop();
      }
      const [l, c] = await Promise.all([lossSum.data(), correct.data()]);
      return { loss: l[0] / split.count, accuracy: c[0] / split.count };
    } finally {
      lossSum.dispose();
      correct.dispose();
      tf.dispose(owned);
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * The early-stopping evaluation: minimum validation loss, the first one on ties (SCIENCE.md §1).
 * Evaluations with a NaN validation loss (no validation split, or divergence) are skipped; if all are
 * NaN, the last evaluation is returned.
 */
export function earlyStop(evals: readonly EvalPoint[]): EvalPoint {
  if (evals.length === 0) throw new Error('earlyStop: no evaluations');
  let best: EvalPoint | null = null;
  for (const e of evals) {
    if (Number.isNaN(e.valLoss)) continue;
    if (best === null || e.valLoss < best.valLoss) best = e;
  }
  return best ?? evals[evals.length - 1];
}

/** Throw if the live tensor count changed: every tensor a round creates must be freed by its end. */
export function assertNoLeak(before: number, after: number, label: string): void {
  if (after !== before) {
    throw new Error(`tensor leak in ${label}: ${after} live tensors after, ${before} before (${after - before > 0 ? '+' : ''}${after - before})`);
  }
}
