// Data on the device: each split is staged once as float32 images scaled by 1/255 (SCIENCE.md §1) plus
// labels, and training batches are gathered from those tensors by index (kernels.ts), so no image
// bytes cross from JavaScript to the backend per step.
import * as tf from '@tensorflow/tfjs-core';
import { permutation, stream, type Rng } from '../science/rng';

/** One split as the data layer produces it: HWC bytes 0..255 and labels 0..9. */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface DatasetInput {
  imageShape: [number, number, number];
  train: Split;
  validation: Split;
  test: Split;
}

export const NUM_CLASSES = 10;

export interface StagedSplit {
  /** [count, h·w·c] float32 in [0, 1], HWC order. */
  images: tf.Tensor2D;
  /** [count, 10] float32 one-hot labels (for the loss). */
  onehot: tf.Tensor2D;
  /** [count] int32 labels (for accuracy). */
  labels: tf.Tensor1D;
  count: number;
}

export interface StagedData {
  imageShape: [number, number, number];
  /** h·w·c. */
  imageSize: number;
  train: StagedSplit;
  validation: StagedSplit;
  test: StagedSplit;
  /** Free the device tensors (idempotent). */
  dispose(): void;
}

function stageSplit(name: string, split: Split, imageSize: number): StagedSplit {
  const { images, labels, count } = split;
  if (images.length !== count * imageSize) {
    throw new Error(`${name} split: ${images.length} image bytes for ${count} images of ${imageSize} bytes`);
  }
  if (labels.length !== count) throw new Error(`${name} split: ${labels.length} labels for ${count} images`);
  const pixels = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) pixels[i] = images[i] / 255;
  const onehot = new Float32Array(count * NUM_CLASSES);
  const ints = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const y = labels[i];
    if (!(y < NUM_CLASSES)) throw new Error(`${name} split: label ${y} at index ${i} is not in 0..${NUM_CLASSES - 1}`);
    onehot[i * NUM_CLASSES + y] = 1;
    ints[i] = y;
  }
  return {
    images: tf.tensor2d(pixels, [count, imageSize], 'float32'),
    onehot: tf.tensor2d(onehot, [count, NUM_CLASSES], 'float32'),
    labels: tf.tensor1d(ints, 'int32'),
    count,
  };
}

/** Copy a dataset to the active backend once. Call after `initBackend`; dispose when done. */
export function stageData(ds: DatasetInput): StagedData {
  const [h, w, c] = ds.imageShape;
  const imageSize = h * w * c;
  if (ds.train.count < 1) throw new Error('the training split is empty');
  const splits: StagedSplit[] = [];
  try {
    for (const [name, split] of [['train', ds.train], ['validation', ds.validation], ['test', ds.test]] as const) {
      splits.push(stageSplit(name, split, imageSize));
    }
  } catch (err) {
    for (const s of splits) tf.dispose([s.images, s.onehot, s.labels]);
    throw err;
  }
  const [train, validation, test] = splits;
  let disposed = false;
  return {
    imageShape: [h, w, c],
    imageSize,
    train,
    validation,
    test,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const s of splits) tf.dispose([s.images, s.onehot, s.labels]);
    },
  };
}

/**
 * The training example order of one round: a fresh permutation of 0..n−1 per epoch, all drawn in turn
 * from stream(seed, 'data_order', round). Batches run straight through epoch boundaries, so every
 * example is seen exactly once per epoch and no example is dropped.
 */
export class BatchOrder {
  private readonly rng: Rng;
  private perm: Int32Array;
  private pos = 0;
  /** Epochs begun so far (1 after construction). */
  epoch = 1;

  constructor(
    private readonly n: number,
    seed: number,
    round: number,
  ) {
    if (n < 1) throw new Error('BatchOrder: no examples');
    this.rng = stream(seed, 'data_order', round);
    this.perm = permutation(n, this.rng);
  }

  /** The next `size` example indices. */
  next(size: number): Int32Array {
    const out = new Int32Array(size);
    let filled = 0;
    while (filled < size) {
      if (this.pos === this.n) {
        this.perm = permutation(this.n, this.rng);
        this.pos = 0;
        this.epoch += 1;
      }
      const take = Math.min(size - filled, this.n - this.pos);
      out.set(this.perm.subarray(this.pos, this.pos + take), filled);
      filled += take;
      this.pos += take;
    }
    return out;
  }
}
