// Broken files written to a temp folder: every error is a DatasetError whose message names the file
// and the problem. Each case starts from a valid folder and breaks one thing.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/main/data/idx';
import { parseCifarBatch } from '../../../src/main/data/cifar';
import { readIdxImages } from '../../../src/main/data/idx';
import { loadDataset } from '../../../src/main/data/load';
import { cifarBytes, idxImagesBytes, idxLabelsBytes, labelsFor, removeDir, tempDir, writeIdxFolder } from './helpers';

const root = tempDir();
afterAll(() => removeDir(root));
let n = 0;

/** A fresh valid MNIST-style folder (40 train, 10 test) to break. */
function idxFolder(gzip = false): string {
  const dir = path.join(root, `idx-${n++}`);
  writeIdxFolder(dir, { train: 40, test: 10, gzip });
  return dir;
}

/** The DatasetError thrown by `fn` (fails the test when none or another type is thrown). */
function errorOf(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error('expected a DatasetError, nothing was thrown');
}

const loadIdx = (dir: string) => () => loadDataset({ id: 'mnist', path: dir, validation: 5 }, 0);

describe('IDX errors', () => {
  it('truncated image file: header size vs file size', () => {
    const dir = idxFolder();
    const file = path.join(dir, 'train-images-idx3-ubyte');
    const bytes = new Uint8Array(1000); // a 60000-image header followed by only 984 pixel bytes
    bytes.set(idxImagesBytes(0, 28, 28, undefined, { headerCount: 60_000 }));
    writeFileSync(file, bytes);
    const err = errorOf(loadIdx(dir));
    expect(err.file).toBe(file);
    expect(err.message).toBe(`${file}: truncated: header says 60000×28×28 = 47040016 bytes, file has 1000`);
  });

  it('trailing bytes after the data', () => {
    const dir = idxFolder();
    const file = path.join(dir, 't10k-labels-idx1-ubyte');
    writeFileSync(file, new Uint8Array([...idxLabelsBytes(labelsFor(10)), 0, 0]));
    expect(errorOf(loadIdx(dir)).message).toBe(`${file}: trailing bytes: header says 10 labels = 18 bytes, file has 20`);
  });

  it('wrong magic number (and a hint when images and labels are swapped)', () => {
    const dir = idxFolder();
    const file = path.join(dir, 'train-images-idx3-ubyte');
    writeFileSync(file, idxImagesBytes(40, 28, 28, undefined, { magic: 0x00000804 }));
    expect(errorOf(loadIdx(dir)).message).toBe(`${file}: wrong magic number 0x00000804, expected 0x00000803 for IDX images`);
    writeFileSync(file, idxLabelsBytes(labelsFor(40)));
    expect(errorOf(loadIdx(dir)).message).toBe(
      `${file}: wrong magic number 0x00000801, expected 0x00000803 for IDX images (this is an IDX label file)`,
    );
  });

  it('wrong image dimensions', () => {
    const dir = idxFolder();
    const file = path.join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(file, idxImagesBytes(10, 32, 28));
    expect(errorOf(loadIdx(dir)).message).toBe(`${file}: wrong image dimensions: header says 32×28, expected 28×28`);
    writeFileSync(file, idxImagesBytes(10, 0, 28));
    expect(errorOf(() => readIdxImages(file)).message).toBe(`${file}: wrong image dimensions: header says 0×28`);
  });

  it('label out of range', () => {
    const dir = idxFolder();
    const file = path.join(dir, 'train-labels-idx1-ubyte');
    const labels = labelsFor(40);
    labels[17] = 10;
    writeFileSync(file, idxLabelsBytes(labels));
    expect(errorOf(loadIdx(dir)).message).toBe(`${file}: label 10 at index 17 is out of range (expected 0..9)`);
  });

  it('image and label counts differ', () => {
    const dir = idxFolder();
    const file = path.join(dir, 'train-labels-idx1-ubyte');
    writeFileSync(file, idxLabelsBytes(labelsFor(39)));
    expect(errorOf(loadIdx(dir)).message).toBe(
      `${file}: count mismatch: 39 labels, but train-images-idx3-ubyte has 40 images`,
    );
  });

  it('gzip garbage and a truncated gzip stream', () => {
    const dir = idxFolder(true);
    const file = path.join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(file, new Uint8Array([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
    const garbage = errorOf(loadIdx(dir));
    expect(garbage.file).toBe(file);
    expect(garbage.message).toMatch(new RegExp(`^${escape(file)}: not a valid gzip file \\(.+\\)$`));

    const whole = gzipSync(idxImagesBytes(40, 28, 28));
    writeFileSync(file, whole.subarray(0, whole.length - 20));
    expect(errorOf(loadIdx(dir)).message).toBe(`${file}: not a valid gzip file (unexpected end of file: the download is truncated)`);
  });

  it('a gzip file whose decompressed size disagrees with the header names the decompressed size', () => {
    const dir = idxFolder(true);
    const file = path.join(dir, 't10k-images-idx3-ubyte.gz');
    writeFileSync(file, gzipSync(idxImagesBytes(10, 28, 28, undefined, { headerCount: 11 })));
    expect(errorOf(loadIdx(dir)).message).toBe(
      `${file}: truncated: header says 11×28×28 = 8640 bytes, file has 7856 (decompressed)`,
    );
  });

  it('a missing file lists what an IDX folder needs', () => {
    const dir = idxFolder();
    rmSync(path.join(dir, 't10k-labels-idx1-ubyte'));
    expect(errorOf(loadIdx(dir)).message).toBe(
      `${dir}: missing t10k-labels-idx1-ubyte[.gz]; an IDX dataset folder needs train-images-idx3-ubyte, ` +
        'train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each plain or .gz)',
    );
  });

  it('a folder that does not exist', () => {
    const dir = path.join(root, 'nowhere');
    expect(errorOf(loadIdx(dir)).message).toBe(`${dir}: MNIST folder does not exist`);
  });
});

describe('CIFAR errors', () => {
  function cifarFolder(): string {
    const dir = path.join(root, `cifar-${n++}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'data_batch_1.bin'), cifarBytes(20));
    writeFileSync(path.join(dir, 'test_batch.bin'), cifarBytes(10));
    return dir;
  }
  const loadCifar = (dir: string) => () => loadDataset({ id: 'cifar10', path: dir }, 0);

  it('a valid small folder loads (subset sizes accepted)', () => {
    const ds = loadDataset({ id: 'cifar10', path: cifarFolder() }, 0);
    expect([ds.train.count, ds.validation.count, ds.test.count]).toEqual([18, 2, 10]);
    // HWC: pixel 0 of test record 0 = bytes at plane offsets 0, 1024, 2048.
    expect(Array.from(ds.test.images.subarray(0, 3))).toEqual([0, 1024 & 0xff, 2048 & 0xff]);
  });

  it('size not a multiple of 3073', () => {
    const dir = cifarFolder();
    const file = path.join(dir, 'data_batch_1.bin');
    writeFileSync(file, cifarBytes(3).subarray(0, 3 * 3073 - 100));
    expect(errorOf(loadCifar(dir)).message).toBe(
      `${file}: size 9119 bytes is not a multiple of 3073 (1 label byte + 3072 pixel bytes per record): ` +
        '2 whole records and 2973 extra bytes; truncated or not a CIFAR-10 batch',
    );
    writeFileSync(file, new Uint8Array(0));
    expect(errorOf(loadCifar(dir)).message).toBe(`${file}: empty file (a CIFAR-10 batch holds 3073-byte records)`);
  });

  it('label out of range', () => {
    const dir = cifarFolder();
    const file = path.join(dir, 'test_batch.bin');
    writeFileSync(file, cifarBytes(10, (i) => (i === 4 ? 10 : 0)));
    expect(errorOf(loadCifar(dir)).message).toBe(
      `${file}: label 10 in record 4 (byte offset 12292) is out of range (expected 0..9)`,
    );
    expect(errorOf(() => parseCifarBatch(cifarBytes(1, () => 255), 'x.bin')).message).toMatch(/^x\.bin: label 255 in record 0/);
  });

  it('missing test_batch.bin lists what was expected and what is there', () => {
    const dir = cifarFolder();
    rmSync(path.join(dir, 'test_batch.bin'));
    expect(errorOf(loadCifar(dir)).message).toBe(
      `${dir}: not a CIFAR-10 binary folder: missing test_batch.bin; expected test_batch.bin plus at least one of ` +
        'data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin ' +
        '(the cifar-10-batches-bin layout); found: data_batch_1.bin',
    );
  });

  it('no training batch at all', () => {
    const dir = cifarFolder();
    rmSync(path.join(dir, 'data_batch_1.bin'));
    writeFileSync(path.join(dir, 'data_batch_6.bin'), cifarBytes(1));
    expect(errorOf(loadCifar(dir)).message).toMatch(
      new RegExp(`^${escape(dir)}: not a CIFAR-10 binary folder: missing a data_batch_N\\.bin; .*found: data_batch_6\\.bin, test_batch\\.bin$`),
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
