// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/ describes it):
// a big-endian header (magic number, then one uint32 per dimension) followed by unsigned bytes.
//   images: magic 0x00000803, count, rows, cols, then count*rows*cols pixel bytes (row-major)
//   labels: magic 0x00000801, count, then count label bytes
// Files may be gzipped (detected by the magic bytes 1f 8b, not by the name). Every problem is a
// DatasetError naming the file and what is wrong; the file size must match the header exactly.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DatasetError } from './errors';

export { DatasetError } from './errors';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
const IMAGES_HEADER_BYTES = 16;
const LABELS_HEADER_BYTES = 8;

export type IdxKind = 'images' | 'labels';

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count*rows*cols bytes, image after image, row-major, 0..255. A view into the decoded file. */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  /** count bytes, each < numClasses. A view into the decoded file. */
  labels: Uint8Array;
}

/** What the header says, checked against the (decompressed) size; read without decoding the body. */
export interface IdxHeaderInfo {
  kind: IdxKind;
  count: number;
  /** Image rows/cols; 0 for label files. */
  rows: number;
  cols: number;
  gzip: boolean;
}

/** The four files of an MNIST-style folder. */
export interface IdxFolderFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** Canonical base names; each may also appear with `.` instead of the last `-` and/or with `.gz`. */
export const IDX_FILE_NAMES: Readonly<Record<keyof IdxFolderFiles, string>> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Read a whole file as bytes, decompressing it when it is gzipped. */
export function readMaybeGzip(file: string): { bytes: Uint8Array; gzip: boolean } {
  const raw = readFileOrThrow(file);
  if (!isGzip(raw)) return { bytes: raw, gzip: false };
  try {
    return { bytes: toPlainBytes(gunzipSync(raw)), gzip: true };
  } catch (err) {
    throw new DatasetError(file, `not a valid gzip file (${zlibMessage(err)})`);
  }
}

/** Parse a decoded IDX image file. `expect` pins the image size (e.g. 28×28 for MNIST). */
export function parseIdxImages(
  bytes: Uint8Array,
  file: string,
  expect?: { rows: number; cols: number },
  gzip = false,
): IdxImages {
  const { count, rows, cols } = checkHeader(bytes, file, 'images', bytes.length, gzip);
  if (expect && (rows !== expect.rows || cols !== expect.cols)) {
    throw new DatasetError(file, `wrong image dimensions: header says ${rows}×${cols}, expected ${expect.rows}×${expect.cols}`);
  }
  const pixels = new Uint8Array(bytes.buffer, bytes.byteOffset + IMAGES_HEADER_BYTES, count * rows * cols);
  return { count, rows, cols, pixels };
}

/** Parse a decoded IDX label file; every label must be < numClasses. */
export function parseIdxLabels(bytes: Uint8Array, file: string, numClasses = 10, gzip = false): IdxLabels {
  const { count } = checkHeader(bytes, file, 'labels', bytes.length, gzip);
  const labels = new Uint8Array(bytes.buffer, bytes.byteOffset + LABELS_HEADER_BYTES, count);
  const bad = firstAtLeast(labels, numClasses);
  if (bad >= 0) {
    throw new DatasetError(file, `label ${labels[bad]} at index ${bad} is out of range (expected 0..${numClasses - 1})`);
  }
  return { count, labels };
}

export function readIdxImages(file: string, expect?: { rows: number; cols: number }): IdxImages {
  const { bytes, gzip } = readMaybeGzip(file);
  return parseIdxImages(bytes, file, expect, gzip);
}

export function readIdxLabels(file: string, numClasses = 10): IdxLabels {
  const { bytes, gzip } = readMaybeGzip(file);
  return parseIdxLabels(bytes, file, numClasses, gzip);
}

/** Images and labels must describe the same number of examples. */
export function checkIdxPair(images: { count: number }, labels: { count: number }, imagesFile: string, labelsFile: string): void {
  if (images.count !== labels.count) {
    throw new DatasetError(
      labelsFile,
      `count mismatch: ${labels.count} labels, but ${path.basename(imagesFile)} has ${images.count} images`,
    );
  }
}

/**
 * Check a file's header and size without decoding the body: plain files are checked against their
 * size on disk; gzip files decode only their first block and compare with the gzip trailer's
 * ISIZE field (the decompressed size mod 2^32). Cheap enough for an availability screen.
 */
export function inspectIdxFile(file: string, kind: IdxKind): IdxHeaderInfo {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new DatasetError(file, `cannot read (${errorCode(err)})`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = readAt(fd, 0, Math.min(size, 64 * 1024));
    if (!isGzip(head)) {
      const info = checkHeader(head, file, kind, size, false);
      return { kind, ...info, gzip: false };
    }
    let decoded: Uint8Array;
    try {
      // Z_SYNC_FLUSH lets zlib return what it decoded from an incomplete stream instead of throwing.
      decoded = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (err) {
      throw new DatasetError(file, `not a valid gzip file (${zlibMessage(err)})`);
    }
    if (size < 18) throw new DatasetError(file, 'not a valid gzip file (too short for a gzip trailer)');
    const trailer = readAt(fd, size - 4, 4);
    const isize = new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0, true);
    const info = checkHeader(decoded, file, kind, undefined, true);
    const expected = expectedBytes(kind, info.count, info.rows, info.cols);
    if (expected % 2 ** 32 !== isize) {
      throw new DatasetError(
        file,
        `size mismatch: header says ${describeDims(kind, info)} = ${expected} bytes, gzip trailer says ${isize} bytes decompressed`,
      );
    }
    return { kind, ...info, gzip: true };
  } finally {
    closeSync(fd);
  }
}

/**
 * Find the four IDX files in a folder. Accepts `train-images-idx3-ubyte` and `train-images.idx3-ubyte`
 * spellings, plain or `.gz`. Throws a DatasetError listing the expected names when one is missing.
 */
export function findIdxFiles(dir: string): IdxFolderFiles {
  const found: Partial<IdxFolderFiles> = {};
  const missing: string[] = [];
  for (const [key, base] of Object.entries(IDX_FILE_NAMES) as [keyof IdxFolderFiles, string][]) {
    const hit = idxNameCandidates(base)
      .map((name) => path.join(dir, name))
      .find((p) => existsSync(p));
    if (hit) found[key] = hit;
    else missing.push(base);
  }
  if (missing.length) {
    throw new DatasetError(
      dir,
      `missing ${missing.map((m) => `${m}[.gz]`).join(', ')}; an IDX dataset folder needs ` +
        `${Object.values(IDX_FILE_NAMES).join(', ')} (each plain or .gz)`,
    );
  }
  return found as IdxFolderFiles;
}

/** The file names tried for one canonical IDX base name, in order of preference. */
export function idxNameCandidates(base: string): string[] {
  const dotted = base.replace(/-(idx\d-ubyte)$/, '.$1');
  return [base, `${base}.gz`, dotted, `${dotted}.gz`];
}

// ---------------------------------------------------------------------------------------------------

/**
 * Validate magic, dimensions and size. `actualSize` is the decoded size when known (undefined when
 * only the first block of a gzip stream was decoded).
 */
function checkHeader(
  bytes: Uint8Array,
  file: string,
  kind: IdxKind,
  actualSize: number | undefined,
  gzip: boolean,
): { count: number; rows: number; cols: number } {
  const headerBytes = kind === 'images' ? IMAGES_HEADER_BYTES : LABELS_HEADER_BYTES;
  const wantMagic = kind === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  if (bytes.length < 4) {
    throw new DatasetError(file, `truncated: ${bytes.length} bytes, shorter than the ${headerBytes}-byte IDX ${kind} header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const magic = view.getUint32(0, false);
  if (magic !== wantMagic) {
    const otherMagic = kind === 'images' ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC;
    const hint = magic === otherMagic ? ` (this is an IDX ${kind === 'images' ? 'label' : 'image'} file)` : '';
    throw new DatasetError(
      file,
      `wrong magic number ${hex32(magic)}, expected ${hex32(wantMagic)} for IDX ${kind}${hint}`,
    );
  }
  if (bytes.length < headerBytes) {
    throw new DatasetError(file, `truncated: ${bytes.length} bytes, shorter than the ${headerBytes}-byte IDX ${kind} header`);
  }
  const count = view.getUint32(4, false);
  const rows = kind === 'images' ? view.getUint32(8, false) : 0;
  const cols = kind === 'images' ? view.getUint32(12, false) : 0;
  if (count === 0) throw new DatasetError(file, `header says the file holds no ${kind}`);
  if (kind === 'images' && (rows === 0 || cols === 0 || rows > 4096 || cols > 4096)) {
    throw new DatasetError(file, `wrong image dimensions: header says ${rows}×${cols}`);
  }
  if (actualSize !== undefined) {
    const expected = expectedBytes(kind, count, rows, cols);
    if (actualSize !== expected) {
      const what = actualSize < expected ? 'truncated' : 'trailing bytes';
      const unit = gzip ? ' (decompressed)' : '';
      throw new DatasetError(
        file,
        `${what}: header says ${describeDims(kind, { count, rows, cols })} = ${expected} bytes, file has ${actualSize}${unit}`,
      );
    }
  }
  return { count, rows, cols };
}

function expectedBytes(kind: IdxKind, count: number, rows: number, cols: number): number {
  return kind === 'images' ? IMAGES_HEADER_BYTES + count * rows * cols : LABELS_HEADER_BYTES + count;
}

function describeDims(kind: IdxKind, h: { count: number; rows: number; cols: number }): string {
  return kind === 'images' ? `${h.count}×${h.rows}×${h.cols}` : `${h.count} labels`;
}

/** Index of the first byte >= limit, or -1. */
function firstAtLeast(a: Uint8Array, limit: number): number {
  for (let i = 0; i < a.length; i++) if (a[i] >= limit) return i;
  return -1;
}

function readFileOrThrow(file: string): Uint8Array {
  try {
    return toPlainBytes(readFileSync(file));
  } catch (err) {
    throw new DatasetError(file, `cannot read (${errorCode(err)})`);
  }
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return out.subarray(0, done);
}

/** A plain Uint8Array view of a Buffer's bytes (no copy), so callers never see Buffer semantics. */
function toPlainBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function zlibMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg === 'unexpected end of file' ? 'unexpected end of file: the download is truncated' : msg;
}

function errorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EACCES') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a folder, not a file';
  return e?.message ?? String(err);
}
