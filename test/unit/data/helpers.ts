// Helpers for the dataset tests: locations of the real data, and writers of small IDX / CIFAR files
// (valid or deliberately broken) in temporary folders.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The repo root (test/unit/data → ../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The small real CIFAR-10 copy beside the repo. */
export const SHARED_CIFAR_DIR = path.resolve(REPO_ROOT, '../shared/datasets/cifar10-jpeg');
export const HAVE_SHARED_CIFAR = existsSync(path.join(SHARED_CIFAR_DIR, 'test_batch.bin'));
export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const HAVE_FASHION = existsSync(FASHION_DIR);

/** A fresh temporary folder; remove with `removeDir`. */
export function tempDir(prefix = 'ticketlab-data-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** IDX image file bytes: header (magic, count, rows, cols) + pixels (pixel(i, k) for image i, byte k). */
export function idxImagesBytes(
  count: number,
  rows: number,
  cols: number,
  pixel: (i: number, k: number) => number = (i, k) => (i * 7 + k) & 0xff,
  opts: { magic?: number; headerCount?: number } = {},
): Uint8Array {
  const n = rows * cols;
  const out = new Uint8Array(16 + count * n);
  const view = new DataView(out.buffer);
  view.setUint32(0, opts.magic ?? 0x00000803, false);
  view.setUint32(4, opts.headerCount ?? count, false);
  view.setUint32(8, rows, false);
  view.setUint32(12, cols, false);
  for (let i = 0; i < count; i++) for (let k = 0; k < n; k++) out[16 + i * n + k] = pixel(i, k);
  return out;
}

/** IDX label file bytes. */
export function idxLabelsBytes(labels: number[], opts: { magic?: number } = {}): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, opts.magic ?? 0x00000801, false);
  view.setUint32(4, labels.length, false);
  labels.forEach((l, i) => (out[8 + i] = l));
  return out;
}

export const labelsFor = (count: number) => Array.from({ length: count }, (_, i) => i % 10);

/** Write a complete, valid MNIST-style folder of 28×28 images (train/test counts given). */
export function writeIdxFolder(dir: string, opts: { train: number; test: number; gzip?: boolean }): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, bytes: Uint8Array) =>
    writeFileSync(path.join(dir, opts.gzip ? `${name}.gz` : name), opts.gzip ? gzipSync(bytes) : bytes);
  put('train-images-idx3-ubyte', idxImagesBytes(opts.train, 28, 28));
  put('train-labels-idx1-ubyte', idxLabelsBytes(labelsFor(opts.train)));
  put('t10k-images-idx3-ubyte', idxImagesBytes(opts.test, 28, 28, (i, k) => (i * 11 + k * 3) & 0xff));
  put('t10k-labels-idx1-ubyte', idxLabelsBytes(labelsFor(opts.test).reverse()));
}

/** CIFAR batch bytes: `count` records, label(i), pixel byte value(i, plane offset j in 0..3071). */
export function cifarBytes(
  count: number,
  label: (i: number) => number = (i) => i % 10,
  value: (i: number, j: number) => number = (i, j) => (i * 13 + j) & 0xff,
): Uint8Array {
  const out = new Uint8Array(count * 3073);
  for (let i = 0; i < count; i++) {
    out[i * 3073] = label(i);
    for (let j = 0; j < 3072; j++) out[i * 3073 + 1 + j] = value(i, j);
  }
  return out;
}

/**
 * Byte-for-byte equality of two typed arrays. Use this instead of expect().toEqual on large arrays:
 * the generic deep equality walks every element as an object property and is far too slow.
 */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
