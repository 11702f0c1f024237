// Real CIFAR-10 (the shared JPEG-decoded copy beside the repo): CHW→HWC conversion checked by hand on
// the first record, the seeded 10% validation split, several batches, and the default-location lookup.
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCifarBatch } from '../../../src/main/data/cifar';
import { datasetAvailability } from '../../../src/main/data/datasets';
import { loadDataset, type LoadedDataset } from '../../../src/main/data/load';
import { CIFAR10_DIR_ENV, locateDataset } from '../../../src/main/data/locate';
import { HAVE_SHARED_CIFAR, SHARED_CIFAR_DIR, removeDir, sameBytes, tempDir } from './helpers';

const title = HAVE_SHARED_CIFAR
  ? 'CIFAR-10 (shared JPEG-decoded copy)'
  : `CIFAR-10 — SKIPPED: the shared copy ${SHARED_CIFAR_DIR} is absent`;

/** Pixel (row, col, channel) of record `r` in the raw CHW file bytes, computed by hand. */
function rawPixel(raw: Uint8Array, r: number, row: number, col: number, channel: number): number {
  return raw[r * 3073 + 1 + channel * 1024 + row * 32 + col];
}

describe.skipIf(!HAVE_SHARED_CIFAR)(title, () => {
  let testRaw: Uint8Array;
  let trainRaw: Uint8Array;
  let ds: LoadedDataset;
  const savedEnv = process.env[CIFAR10_DIR_ENV];
  const tmp = tempDir();

  beforeAll(() => {
    testRaw = readFileSync(path.join(SHARED_CIFAR_DIR, 'test_batch.bin'));
    trainRaw = readFileSync(path.join(SHARED_CIFAR_DIR, 'data_batch_1.bin'));
    const t0 = performance.now();
    ds = loadDataset({ id: 'cifar10', path: SHARED_CIFAR_DIR }, 0);
    console.log(`CIFAR-10 load (1 train batch + test): ${(performance.now() - t0).toFixed(0)} ms`);
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env[CIFAR10_DIR_ENV];
    else process.env[CIFAR10_DIR_ENV] = savedEnv;
  });
  afterAll(() => removeDir(tmp));

  it('converts the first record from CHW planes to HWC (hand computation)', () => {
    const batch = readCifarBatch(path.join(SHARED_CIFAR_DIR, 'test_batch.bin'));
    expect(batch.count).toBe(10_000);
    expect(batch.labels[0]).toBe(testRaw[0]);
    const img = batch.images.subarray(0, 3072);
    // A few pixels spelled out: HWC offset = (row*32 + col)*3 + channel; CHW byte = 1 + channel*1024 + row*32 + col.
    expect(img[0]).toBe(testRaw[1]); // (0,0) red
    expect(img[1]).toBe(testRaw[1 + 1024]); // (0,0) green
    expect(img[2]).toBe(testRaw[1 + 2048]); // (0,0) blue
    expect(img[(5 * 32 + 7) * 3 + 1]).toBe(testRaw[1 + 1024 + 5 * 32 + 7]); // (5,7) green
    expect(img[(31 * 32 + 31) * 3 + 2]).toBe(testRaw[3072]); // last pixel blue = last byte of the record
    // And every pixel of the record.
    let mismatches = 0;
    for (let row = 0; row < 32; row++)
      for (let col = 0; col < 32; col++)
        for (let c = 0; c < 3; c++) if (img[(row * 32 + col) * 3 + c] !== rawPixel(testRaw, 0, row, col, c)) mismatches++;
    expect(mismatches).toBe(0);
    // The planes differ (a colour photo), so a wrong interleave could not pass by accident.
    expect(img.subarray(0, 30).some((v, k) => v !== img[k - (k % 3)])).toBe(true);
  });

  it('loads 9000 train + 1000 validation (10%) + 10000 test images of 32×32×3', () => {
    expect(ds.imageShape).toEqual([32, 32, 3]);
    expect(ds.origin).toBe('user');
    expect(ds.source).toBe(SHARED_CIFAR_DIR);
    expect([ds.train.count, ds.validation.count, ds.test.count]).toEqual([9_000, 1_000, 10_000]);
    expect(ds.train.images.length).toBe(9_000 * 3072);
    const hist = new Array(10).fill(0);
    for (const l of ds.test.labels) hist[l]++;
    expect(hist).toEqual(new Array(10).fill(1000));
    expect(ds.test.labels[0]).toBe(testRaw[0]);
  });

  it('draws the validation split from the seeded stream, keeps original order, and partitions the training set', () => {
    const labels = Array.from({ length: 10_000 }, (_, r) => trainRaw[r * 3073]);
    // Reconstruct which record each split image is by matching a fingerprint of 64 bytes spread over
    // the image (HWC byte j = 47k is pixel ⌊j/3⌋, channel j mod 3), computed by hand from the raw file.
    const SPREAD = Array.from({ length: 64 }, (_, k) => 47 * k);
    const fingerprint = (imgs: Uint8Array, i: number) => SPREAD.map((j) => imgs[i * 3072 + j]).join(',');
    const byPrint = new Map<string, number[]>();
    for (let r = 0; r < 10_000; r++) {
      const fp = SPREAD.map((j) => rawPixel(trainRaw, r, Math.floor(j / 3 / 32), Math.floor(j / 3) % 32, j % 3)).join(',');
      byPrint.set(fp, [...(byPrint.get(fp) ?? []), r]);
    }
    const recordOf = (imgs: Uint8Array, i: number, used: Set<number>) => {
      const r = (byPrint.get(fingerprint(imgs, i)) ?? []).find((x) => !used.has(x));
      expect(r).toBeDefined();
      used.add(r!);
      return r!;
    };
    const used = new Set<number>();
    const valRecords = Array.from({ length: ds.validation.count }, (_, i) => recordOf(ds.validation.images, i, used));
    const trainRecords = Array.from({ length: ds.train.count }, (_, i) => recordOf(ds.train.images, i, used));
    expect(used.size).toBe(10_000); // disjoint and complete
    expect(valRecords).toEqual([...valRecords].sort((a, b) => a - b)); // original order
    expect(trainRecords).toEqual([...trainRecords].sort((a, b) => a - b));
    expect(valRecords.map((r) => labels[r])).toEqual(Array.from(ds.validation.labels));
    // Not the last 10%: a random subset spread over the file.
    expect(valRecords[0]).toBeLessThan(100);
    expect(valRecords[999]).toBeGreaterThan(9_900);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const same = loadDataset({ id: 'cifar10', path: SHARED_CIFAR_DIR }, 0);
    const other = loadDataset({ id: 'cifar10', path: SHARED_CIFAR_DIR }, 1);
    expect(sameBytes(same.validation.labels, ds.validation.labels)).toBe(true);
    expect(sameBytes(same.validation.images, ds.validation.images)).toBe(true);
    expect(other.validation.count).toBe(1_000);
    expect(sameBytes(other.validation.images, ds.validation.images)).toBe(false);
    // The test set never depends on the seed.
    expect(sameBytes(other.test.images, ds.test.images)).toBe(true);
  });

  it('applies validation, trainLimit and testLimit', () => {
    const small = loadDataset({ id: 'cifar10', path: SHARED_CIFAR_DIR, validation: 500, trainLimit: 2000, testLimit: 300 }, 4);
    expect([small.train.count, small.validation.count, small.test.count]).toEqual([2000, 500, 300]);
    const noLimit = loadDataset({ id: 'cifar10', path: SHARED_CIFAR_DIR, validation: 500 }, 4);
    expect(sameBytes(small.train.images, noLimit.train.images.subarray(0, 2000 * 3072))).toBe(true);
    expect(sameBytes(small.test.labels, ds.test.labels.subarray(0, 300))).toBe(true);
    expect(() => loadDataset({ id: 'cifar10', path: SHARED_CIFAR_DIR, validation: 10_000 }, 0)).toThrow(
      /dataset\.validation: 10000 validation images must be fewer than the 10000 training images present/,
    );
    expect(() => loadDataset({ id: 'cifar10', path: SHARED_CIFAR_DIR, trainLimit: 9_001 }, 0)).toThrow(
      /dataset\.trainLimit: 9001 is more than the 9000 training images left after holding out 1000/,
    );
  });

  it('concatenates several training batches in order (any subset of data_batch_1..5)', () => {
    // Batches 2 and 4 present (both links to the same real file), 1/3/5 absent.
    const dir = path.join(tmp, 'two-batches');
    mkdirSync(dir);
    symlinkSync(path.join(SHARED_CIFAR_DIR, 'data_batch_1.bin'), path.join(dir, 'data_batch_4.bin'));
    symlinkSync(path.join(SHARED_CIFAR_DIR, 'data_batch_1.bin'), path.join(dir, 'data_batch_2.bin'));
    symlinkSync(path.join(SHARED_CIFAR_DIR, 'test_batch.bin'), path.join(dir, 'test_batch.bin'));
    const two = loadDataset({ id: 'cifar10', path: dir, validation: 0 }, 0);
    expect(two.files.map((f) => path.basename(f))).toEqual(['data_batch_2.bin', 'data_batch_4.bin', 'test_batch.bin']);
    expect(two.train.count).toBe(20_000);
    expect(sameBytes(two.train.images.subarray(0, 10_000 * 3072), two.train.images.subarray(10_000 * 3072))).toBe(true);
    const defaultSplit = loadDataset({ id: 'cifar10', path: dir }, 0);
    expect([defaultSplit.train.count, defaultSplit.validation.count]).toEqual([18_000, 2_000]);
  });

  it('accepts the parent folder of cifar-10-batches-bin', () => {
    const parent = path.join(tmp, 'extracted');
    mkdirSync(parent);
    symlinkSync(SHARED_CIFAR_DIR, path.join(parent, 'cifar-10-batches-bin'));
    const a = datasetAvailability('cifar10', parent);
    expect(a).toMatchObject({ available: true, location: path.join(parent, 'cifar-10-batches-bin'), trainCount: 10_000 });
    expect(loadDataset({ id: 'cifar10', path: parent, testLimit: 10 }, 0).test.count).toBe(10);
  });

  it('finds the default location: the environment variable first, then the shared copy', () => {
    delete process.env[CIFAR10_DIR_ENV];
    expect(locateDataset('cifar10')).toEqual({ location: { dir: SHARED_CIFAR_DIR, origin: 'shared' } });
    const viaDefault = loadDataset({ id: 'cifar10', testLimit: 10 }, 0);
    expect(viaDefault.origin).toBe('shared');
    expect(sameBytes(viaDefault.validation.labels, ds.validation.labels)).toBe(true);

    process.env[CIFAR10_DIR_ENV] = path.join(tmp, 'no-such-folder');
    expect(locateDataset('cifar10')).toEqual({ location: { dir: path.join(tmp, 'no-such-folder'), origin: 'env' } });
    const a = datasetAvailability('cifar10');
    expect(a.available).toBe(false);
    expect(a.origin).toBe('env');
    expect(a.problem).toMatch(/no-such-folder: folder does not exist/);
    expect(existsSync(path.join(tmp, 'no-such-folder'))).toBe(false);
  });
});
