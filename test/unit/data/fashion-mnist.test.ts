// Real Fashion-MNIST from the Debian package dataset-fashion-mnist (gzipped IDX), and the same
// files through a user-supplied folder.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/main/data/load';
import { FASHION_DIR, HAVE_FASHION, removeDir, sameBytes, tempDir } from './helpers';

const title = HAVE_FASHION
  ? 'Fashion-MNIST (Debian dataset-fashion-mnist)'
  : `Fashion-MNIST — SKIPPED: ${FASHION_DIR} is absent (install the Debian package dataset-fashion-mnist)`;

describe.skipIf(!HAVE_FASHION)(title, () => {
  const tmp = tempDir();
  afterAll(() => removeDir(tmp));

  it('loads the gzipped system files with the right counts, shape and balanced classes', () => {
    const t0 = performance.now();
    const ds = loadDataset({ id: 'fashion-mnist' }, 0);
    console.log(`Fashion-MNIST full load (gunzip + parse): ${(performance.now() - t0).toFixed(0)} ms`);
    expect(ds.source).toBe(FASHION_DIR);
    expect(ds.origin).toBe('system');
    expect(ds.files.every((f) => f.endsWith('.gz'))).toBe(true);
    expect(ds.imageShape).toEqual([28, 28, 1]);
    expect([ds.train.count, ds.validation.count, ds.test.count]).toEqual([55_000, 5_000, 10_000]);
    expect(ds.train.images.length).toBe(55_000 * 784);
    const hist = new Array(10).fill(0);
    for (const l of ds.train.labels) hist[l]++;
    for (const l of ds.validation.labels) hist[l]++;
    expect(hist).toEqual(new Array(10).fill(6000));
    const testHist = new Array(10).fill(0);
    for (const l of ds.test.labels) testHist[l]++;
    expect(testHist).toEqual(new Array(10).fill(1000));
    // First images of both sets are ankle boots (class 9); train then T-shirt, T-shirt, dress.
    expect(Array.from(ds.train.labels.subarray(0, 4))).toEqual([9, 0, 0, 3]);
    expect(ds.test.labels[0]).toBe(9);
  });

  it('reads the same data from a user-supplied folder', () => {
    for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      copyFileSync(path.join(FASHION_DIR, f), path.join(tmp, f));
    }
    const ds = loadDataset({ id: 'fashion-mnist', path: tmp, testLimit: 100 }, 0);
    const sys = loadDataset({ id: 'fashion-mnist' }, 0);
    expect(ds.source).toBe(tmp);
    expect(ds.origin).toBe('user');
    expect(ds.test.count).toBe(100);
    expect(sameBytes(ds.test.images, sys.test.images.subarray(0, 100 * 784))).toBe(true);
    expect(sameBytes(ds.validation.labels, sys.validation.labels)).toBe(true);
  });
});
