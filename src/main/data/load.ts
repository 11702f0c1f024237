// loadDataset: read a dataset (cached per process), hold out the validation split, apply the limits.
// Pixels stay raw bytes (0..255, HWC); the engine scales them by 1/255 on the device (SCIENCE.md §1).
//
// Splits (SCIENCE.md §1):
//  - MNIST / Fashion-MNIST: validation = the LAST `validation` training images (default 5000).
//  - CIFAR-10: validation = `validation` images (default 10% of the training images present) picked by
//    a permutation from stream(seed, 'validation_split'), kept in their original order.
//  - then `trainLimit` keeps the first N of the remaining training images, `testLimit` the first N
//    test images.
// Splits that are a contiguous range of one file are zero-copy views into the cache: treat every
// Split as read-only.
import { existsSync, realpathSync, statSync } from 'node:fs';
import type { DatasetId, RunSpec } from '../../common/spec';
import { permutation, stream } from '../science/rng';
import { findCifarFiles, readCifarBatch } from './cifar';
import { datasetInfo, type DatasetInfo, type ImageShape } from './datasets';
import { DatasetError } from './errors';
import { checkIdxPair, findIdxFiles, readIdxImages, readIdxLabels } from './idx';
import { locateDataset, type LocationOrigin } from './locate';

export { standardizePerImage } from './standardize';

export interface Split {
  /** count·h·w·c bytes, HWC, raw 0..255. Read-only (may be a view into the cache). */
  images: Uint8Array;
  /** count labels, 0..9. Read-only. */
  labels: Uint8Array;
  count: number;
}

export interface LoadedDataset {
  id: DatasetId;
  imageShape: ImageShape;
  numClasses: 10;
  train: Split;
  validation: Split;
  test: Split;
  /** The folder the data was read from (absolute). */
  source: string;
  /** How that folder was chosen. */
  origin: LocationOrigin;
  /** The files read, absolute paths. */
  files: string[];
}

/** The dataset part of a run spec; `id` is required, everything else optional. */
export type DatasetSpec = RunSpec['dataset'];

/** Parsed files of a dataset before splitting. Training data may come in several chunks (CIFAR batches). */
interface RawDataset {
  trainChunks: Split[];
  test: Split;
  dir: string;
  files: string[];
}

/** Load a dataset and split it. Throws DatasetError naming the file/setting and the problem. */
export function loadDataset(ds: DatasetSpec, seed: number): LoadedDataset {
  const info = datasetInfo(ds.id);
  const located = locateDataset(ds.id, ds.path);
  if (!located.location) throw new DatasetError(undefined, `${info.label}: ${located.problem}`);
  const { dir, origin } = located.location;
  if (!existsSync(dir)) throw new DatasetError(dir, `${info.label} folder does not exist`);
  if (!statSync(dir).isDirectory()) throw new DatasetError(dir, `is a file, expected the ${info.label} folder`);

  const raw = info.format === 'idx' ? readIdxDataset(dir, info) : readCifarDataset(dir);
  const pixelsPerImage = info.imageShape[0] * info.imageShape[1] * info.imageShape[2];
  const trainTotal = raw.trainChunks.reduce((n, c) => n + c.count, 0);
  const plan = planSplit(ds, seed, trainTotal, raw.test.count, raw.dir);

  return {
    id: info.id,
    imageShape: [...info.imageShape],
    numClasses: 10,
    train: gatherSplit(raw.trainChunks, plan.trainIndices, pixelsPerImage),
    validation: gatherSplit(raw.trainChunks, plan.validationIndices, pixelsPerImage),
    test: gatherSplit([raw.test], rangeIndices(0, plan.testCount), pixelsPerImage),
    source: raw.dir,
    origin,
    files: raw.files,
  };
}

/** Default validation size: 5000 for MNIST/Fashion-MNIST, 10% of the training images present for CIFAR-10. */
export function defaultValidationSize(id: DatasetId, trainTotal: number): number {
  return datasetInfo(id).format === 'cifar-bin' ? Math.round(trainTotal * 0.1) : 5000;
}

export interface SplitPlan {
  /** Indices into the training images present, ascending. */
  trainIndices: Int32Array;
  validationIndices: Int32Array;
  /** The first `testCount` test images are used. */
  testCount: number;
}

/**
 * Decide which training images go to validation and training, and how many test images are used.
 * Pure: depends only on the arguments. `where` names the folder in error messages.
 */
export function planSplit(ds: DatasetSpec, seed: number, trainTotal: number, testTotal: number, where: string): SplitPlan {
  const info = datasetInfo(ds.id);
  const validation = ds.validation ?? defaultValidationSize(ds.id, trainTotal);
  checkCount('dataset.validation', validation, true);
  if (validation >= trainTotal) {
    throw new DatasetError(
      undefined,
      `dataset.validation: ${validation} validation images must be fewer than the ${trainTotal} training images ` +
        `present (${info.label} at ${where}); at least one must be left for training`,
    );
  }
  const validationIndices =
    info.format === 'cifar-bin' ? seededSubset(trainTotal, validation, seed) : rangeIndices(trainTotal - validation, trainTotal);
  const remaining = complement(trainTotal, validationIndices);

  let trainIndices = remaining;
  if (ds.trainLimit !== undefined) {
    checkCount('dataset.trainLimit', ds.trainLimit, false);
    if (ds.trainLimit > remaining.length) {
      throw new DatasetError(
        undefined,
        `dataset.trainLimit: ${ds.trainLimit} is more than the ${remaining.length} training images left after ` +
          `holding out ${validation} for validation (${info.label} at ${where})`,
      );
    }
    trainIndices = remaining.subarray(0, ds.trainLimit);
  }

  let testCount = testTotal;
  if (ds.testLimit !== undefined) {
    checkCount('dataset.testLimit', ds.testLimit, false);
    if (ds.testLimit > testTotal) {
      throw new DatasetError(
        undefined,
        `dataset.testLimit: ${ds.testLimit} is more than the ${testTotal} test images present (${info.label} at ${where})`,
      );
    }
    testCount = ds.testLimit;
  }
  return { trainIndices, validationIndices, testCount };
}

/** `k` distinct indices of 0..n-1 from the seeded 'validation_split' stream, sorted ascending. */
export function seededSubset(n: number, k: number, seed: number): Int32Array {
  const chosen = permutation(n, stream(seed, 'validation_split')).slice(0, k);
  return chosen.sort();
}

/**
 * Copy the images/labels at the given ascending indices out of a list of chunks (indices count
 * through the chunks in order). Runs of consecutive indices are copied with one `set` each; a
 * single run inside one chunk is returned as a zero-copy view.
 */
export function gatherSplit(chunks: Split[], indices: Int32Array, pixelsPerImage: number): Split {
  const count = indices.length;
  const starts = chunkStarts(chunks);
  if (count === 0) return { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };

  const single = count === indices[count - 1] - indices[0] + 1 ? chunkOf(starts, indices[0]) : -1;
  if (single >= 0 && indices[count - 1] < starts[single] + chunks[single].count) {
    const local = indices[0] - starts[single];
    const c = chunks[single];
    return {
      images: c.images.subarray(local * pixelsPerImage, (local + count) * pixelsPerImage),
      labels: c.labels.subarray(local, local + count),
      count,
    };
  }

  const images = new Uint8Array(count * pixelsPerImage);
  const labels = new Uint8Array(count);
  let chunk = 0;
  let i = 0;
  while (i < count) {
    const first = indices[i];
    if (i > 0 && first <= indices[i - 1]) throw new RangeError('gatherSplit: indices must be strictly ascending');
    while (chunk < chunks.length && first >= starts[chunk] + chunks[chunk].count) chunk++;
    if (chunk === chunks.length || first < 0) throw new RangeError(`gatherSplit: index ${first} is out of range`);
    const chunkEnd = starts[chunk] + chunks[chunk].count;
    // Extend the run while indices stay consecutive and inside this chunk.
    let j = i + 1;
    while (j < count && indices[j] === indices[j - 1] + 1 && indices[j] < chunkEnd) j++;
    const local = first - starts[chunk];
    const runLength = j - i;
    const c = chunks[chunk];
    images.set(c.images.subarray(local * pixelsPerImage, (local + runLength) * pixelsPerImage), i * pixelsPerImage);
    labels.set(c.labels.subarray(local, local + runLength), i);
    i = j;
  }
  return { images, labels, count };
}

// ---- reading, with an in-process cache -------------------------------------------------------------

function readIdxDataset(dir: string, info: DatasetInfo): RawDataset {
  const files = findIdxFiles(dir);
  const [rows, cols] = info.imageShape;
  const pair = (imagesFile: string, labelsFile: string): Split => {
    const images = cached('idx-images', imagesFile, () => readIdxImages(imagesFile, { rows, cols }));
    const labels = cached('idx-labels', labelsFile, () => readIdxLabels(labelsFile, info.numClasses));
    checkIdxPair(images, labels, imagesFile, labelsFile);
    return { images: images.pixels, labels: labels.labels, count: images.count };
  };
  return {
    trainChunks: [pair(files.trainImages, files.trainLabels)],
    test: pair(files.testImages, files.testLabels),
    dir,
    files: [files.trainImages, files.trainLabels, files.testImages, files.testLabels],
  };
}

function readCifarDataset(dir: string): RawDataset {
  const files = findCifarFiles(dir);
  const batch = (file: string): Split => cached('cifar-batch', file, () => readCifarBatch(file));
  return {
    trainChunks: files.trainFiles.map(batch),
    test: batch(files.testFile),
    dir: files.dir,
    files: [...files.trainFiles, files.testFile],
  };
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  value: unknown;
}

const cache = new Map<string, CacheEntry>();

/**
 * Parse a file once per process: keyed by what is parsed and the file's real path, and reused
 * while its mtime and size are unchanged (a changed file replaces its entry).
 */
function cached<T>(what: string, file: string, parse: () => T): T {
  let real: string;
  let st: { mtimeMs: number; size: number };
  try {
    real = realpathSync(file);
    st = statSync(real);
  } catch {
    return parse(); // Let the reader produce its own "cannot read" error.
  }
  const key = `${what}|${real}`;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value as T;
  cache.delete(key);
  const value = parse();
  cache.set(key, { mtimeMs: st.mtimeMs, size: st.size, value });
  return value;
}

/** Drop every cached file (frees memory; the next load parses again). */
export function clearDatasetCache(): void {
  cache.clear();
}

/** Number of parsed files held by the cache. */
export function datasetCacheSize(): number {
  return cache.size;
}

// ---- small helpers ---------------------------------------------------------------------------------

function checkCount(name: string, value: number, allowZero: boolean): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new DatasetError(undefined, `${name}: ${value} must be a${allowZero ? ' non-negative' : ' positive'} whole number`);
  }
}

function rangeIndices(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

/** 0..n-1 without the (ascending) `excluded` indices, ascending. */
function complement(n: number, excluded: Int32Array): Int32Array {
  const out = new Int32Array(n - excluded.length);
  let e = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (e < excluded.length && excluded[e] === i) e++;
    else out[o++] = i;
  }
  return out;
}

function chunkStarts(chunks: Split[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const c of chunks) {
    starts.push(at);
    at += c.count;
  }
  return starts;
}

function chunkOf(starts: number[], index: number): number {
  for (let c = starts.length - 1; c >= 0; c--) if (index >= starts[c]) return c;
  return -1;
}
