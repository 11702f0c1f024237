// Split planning (pure), gathering across chunks, loading a small synthetic folder end to end,
// and per-image standardisation.
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, gatherSplit, planSplit, seededSubset, standardizePerImage, type Split } from '../../../src/main/data/load';
import { removeDir, sameBytes, tempDir, writeIdxFolder } from './helpers';

const strictlyAscending = (a: Int32Array) => a.every((v, i) => i === 0 || v > a[i - 1]);

describe('planSplit', () => {
  it('MNIST-style: the last `validation` images, default 5000, seed-independent', () => {
    const p = planSplit({ id: 'mnist' }, 7, 60_000, 10_000, 'x');
    expect(p.validationIndices.length).toBe(5_000);
    expect(p.validationIndices[0]).toBe(55_000);
    expect(p.validationIndices[4_999]).toBe(59_999);
    expect(p.trainIndices.length).toBe(55_000);
    expect(p.trainIndices[54_999]).toBe(54_999);
    expect(p.testCount).toBe(10_000);
    const other = planSplit({ id: 'mnist' }, 8, 60_000, 10_000, 'x');
    expect(sameBytes(other.validationIndices, p.validationIndices) && sameBytes(other.trainIndices, p.trainIndices)).toBe(true);
  });

  it('CIFAR-style: 10% of what is present by default, seeded, sorted, and the rest in order', () => {
    const a = planSplit({ id: 'cifar10' }, 1, 50_000, 10_000, 'x');
    expect(a.validationIndices.length).toBe(5_000);
    expect(a.trainIndices.length).toBe(45_000);
    const all = new Set([...a.validationIndices, ...a.trainIndices]);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(49_999);
    expect(all.size).toBe(50_000);
    expect(strictlyAscending(a.validationIndices)).toBe(true);
    expect(strictlyAscending(a.trainIndices)).toBe(true);
    expect(sameBytes(planSplit({ id: 'cifar10' }, 1, 50_000, 10_000, 'x').validationIndices, a.validationIndices)).toBe(true);
    expect(sameBytes(planSplit({ id: 'cifar10' }, 2, 50_000, 10_000, 'x').validationIndices, a.validationIndices)).toBe(false);
    expect(planSplit({ id: 'cifar10' }, 1, 10_000, 10_000, 'x').validationIndices.length).toBe(1_000);
    expect(planSplit({ id: 'cifar10' }, 1, 25, 10, 'x').validationIndices.length).toBe(3); // round(2.5) = 3
  });

  it('trainLimit keeps the first N remaining images, testLimit the first N test images', () => {
    const p = planSplit({ id: 'cifar10', validation: 100, trainLimit: 50, testLimit: 7 }, 3, 1_000, 200, 'x');
    const full = planSplit({ id: 'cifar10', validation: 100 }, 3, 1_000, 200, 'x');
    expect(Array.from(p.trainIndices)).toEqual(Array.from(full.trainIndices.subarray(0, 50)));
    expect(sameBytes(p.validationIndices, full.validationIndices)).toBe(true);
    expect(p.testCount).toBe(7);
    expect(planSplit({ id: 'mnist', validation: 0 }, 0, 100, 10, 'x').trainIndices.length).toBe(100);
  });

  it('rejects impossible limits with messages naming the setting and the numbers', () => {
    const plan = (ds: Parameters<typeof planSplit>[0]) => () => planSplit(ds, 0, 1_000, 200, '/data/here');
    expect(plan({ id: 'mnist' })).toThrow(
      'dataset.validation: 5000 validation images must be fewer than the 1000 training images present (MNIST at /data/here)',
    );
    expect(plan({ id: 'mnist', validation: 1_000 })).toThrow(/dataset\.validation: 1000 validation images must be fewer than the 1000/);
    expect(plan({ id: 'mnist', validation: 100, trainLimit: 901 })).toThrow(
      'dataset.trainLimit: 901 is more than the 900 training images left after holding out 100 for validation',
    );
    expect(plan({ id: 'mnist', validation: 100, testLimit: 201 })).toThrow(
      'dataset.testLimit: 201 is more than the 200 test images present (MNIST at /data/here)',
    );
    expect(plan({ id: 'mnist', validation: 100, trainLimit: 0 })).toThrow('dataset.trainLimit: 0 must be a positive whole number');
    expect(plan({ id: 'mnist', validation: 1.5 })).toThrow('dataset.validation: 1.5 must be a non-negative whole number');
  });

  it('seededSubset draws k distinct sorted indices', () => {
    const s = seededSubset(100, 30, 5);
    expect(new Set(s).size).toBe(30);
    expect(Array.from(s)).toEqual(Array.from(s).sort((a, b) => a - b));
    expect(Math.max(...s)).toBeLessThan(100);
  });
});

describe('gatherSplit', () => {
  // Two chunks of 1-pixel "images": values encode the global index.
  const chunk = (from: number, n: number): Split => ({
    images: Uint8Array.from({ length: n * 2 }, (_, k) => from + Math.floor(k / 2)),
    labels: Uint8Array.from({ length: n }, (_, i) => (from + i) % 10),
    count: n,
  });
  const chunks = [chunk(0, 5), chunk(5, 4)];

  it('copies scattered indices across chunk boundaries', () => {
    const s = gatherSplit(chunks, Int32Array.from([1, 3, 4, 5, 8]), 2);
    expect(Array.from(s.images)).toEqual([1, 1, 3, 3, 4, 4, 5, 5, 8, 8]);
    expect(Array.from(s.labels)).toEqual([1, 3, 4, 5, 8]);
    expect(s.count).toBe(5);
    expect(s.images.buffer).not.toBe(chunks[0].images.buffer);
  });

  it('returns a view for a contiguous range inside one chunk, a copy across chunks', () => {
    const view = gatherSplit(chunks, Int32Array.from([6, 7, 8]), 2);
    expect(view.images.buffer).toBe(chunks[1].images.buffer);
    expect(Array.from(view.images)).toEqual([6, 6, 7, 7, 8, 8]);
    const across = gatherSplit(chunks, Int32Array.from([3, 4, 5, 6]), 2);
    expect(Array.from(across.images)).toEqual([3, 3, 4, 4, 5, 5, 6, 6]);
    expect(gatherSplit(chunks, new Int32Array(0), 2).count).toBe(0);
  });

  it('rejects out-of-range and unsorted indices', () => {
    expect(() => gatherSplit(chunks, Int32Array.from([2, 9]), 2)).toThrow(/index 9 is out of range/);
    expect(() => gatherSplit(chunks, Int32Array.from([4, 2]), 2)).toThrow(/strictly ascending/);
  });
});

describe('loadDataset on a small synthetic IDX folder', () => {
  const dir = tempDir();
  afterAll(() => removeDir(dir));

  it('reads plain and gzipped folders identically', () => {
    writeIdxFolder(`${dir}/plain`, { train: 30, test: 12 });
    writeIdxFolder(`${dir}/gz`, { train: 30, test: 12, gzip: true });
    const spec = { validation: 10, trainLimit: 15, testLimit: 5 } as const;
    const a = loadDataset({ id: 'mnist', path: `${dir}/plain`, ...spec }, 0);
    const b = loadDataset({ id: 'fashion-mnist', path: `${dir}/gz`, ...spec }, 0);
    expect([a.train.count, a.validation.count, a.test.count]).toEqual([15, 10, 5]);
    expect(b.train.images).toEqual(a.train.images);
    expect(b.validation.labels).toEqual(a.validation.labels);
    expect(Array.from(a.validation.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // images 20..29
    expect(a.validation.images[0]).toBe((20 * 7) & 0xff); // first pixel of image 20
    expect(Array.from(a.test.labels)).toEqual([1, 0, 9, 8, 7]);
  });
});

describe('standardizePerImage', () => {
  it('gives each image zero mean and unit variance', () => {
    const ppi = 3072;
    const images = Uint8Array.from({ length: 2 * ppi }, (_, k) => (k < ppi ? (k * 37) % 256 : 100 + (k % 7)));
    const out = standardizePerImage(images, 2, ppi);
    for (let i = 0; i < 2; i++) {
      const x = out.subarray(i * ppi, (i + 1) * ppi);
      const mean = x.reduce((s, v) => s + v, 0) / ppi;
      const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / ppi;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 4);
    }
  });

  it('matches the formula (x − mean)/max(std, 1/√N) on a hand example', () => {
    // [0, 2, 4, 6]: mean 3, population std √5.
    const out = standardizePerImage(Uint8Array.from([0, 2, 4, 6]), 1, 4);
    const s = Math.sqrt(5);
    expect(Array.from(out)).toEqual([-3 / s, -1 / s, 1 / s, 3 / s].map(Math.fround));
  });

  it('uses the 1/√N floor for (nearly) constant images', () => {
    expect(Array.from(standardizePerImage(Uint8Array.from([9, 9, 9, 9]), 1, 4))).toEqual([0, 0, 0, 0]);
    // [0,0,0,1]: std = √3/4 ≈ 0.433 < floor 1/√4 = 0.5, so the divisor is 0.5.
    const out = standardizePerImage(Uint8Array.from([0, 0, 0, 1]), 1, 4);
    expect(out[3]).toBeCloseTo((1 - 0.25) / 0.5, 6);
  });

  it('rejects a length that does not match count × pixelsPerImage', () => {
    expect(() => standardizePerImage(new Uint8Array(10), 2, 4)).toThrow(/10 bytes given, expected count × pixelsPerImage = 2 × 4 = 8/);
  });
});
