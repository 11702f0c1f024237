// Reader for the CIFAR-10 binary layout (`cifar-10-batches-bin`, https://www.cs.toronto.edu/~kriz/cifar.html):
// each record is 1 label byte then 3072 pixel bytes: the 1024 red values, then 1024 green, then 1024 blue,
// each plane 32x32 row-major (CHW). We convert every image to HWC (r,g,b interleaved per pixel), the
// layout tfjs' NHWC convolutions take. Standard batch files hold 10,000 records; any positive multiple of
// 3073 bytes is accepted so users can point the app at their own subsets.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatasetError } from './errors';

export const CIFAR_SIDE = 32;
export const CIFAR_CHANNELS = 3;
export const CIFAR_PLANE = CIFAR_SIDE * CIFAR_SIDE; // 1024
export const CIFAR_IMAGE_BYTES = CIFAR_PLANE * CIFAR_CHANNELS; // 3072
export const CIFAR_RECORD_BYTES = CIFAR_IMAGE_BYTES + 1; // 3073
/** Records in each file of the official distribution. */
export const CIFAR_STANDARD_RECORDS = 10_000;
export const CIFAR_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const;
export const CIFAR_TEST_FILE = 'test_batch.bin';
/** The sub-folder name of the official tarball; accepted one level below the folder the user picks. */
export const CIFAR_BIN_SUBFOLDER = 'cifar-10-batches-bin';

export interface CifarBatch {
  count: number;
  /** count*32*32*3 bytes, HWC (r,g,b per pixel), 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
}

/** The batch files of a CIFAR-10 folder, absolute paths, training batches in numeric order. */
export interface CifarFiles {
  dir: string;
  trainFiles: string[];
  testFile: string;
}

/** Parse one decoded batch file. */
export function parseCifarBatch(bytes: Uint8Array, file: string): CifarBatch {
  const count = cifarRecordCount(bytes.length, file);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const base = r * CIFAR_RECORD_BYTES;
    const label = bytes[base];
    if (label > 9) {
      throw new DatasetError(file, `label ${label} in record ${r} (byte offset ${base}) is out of range (expected 0..9)`);
    }
    labels[r] = label;
    chwToHwc(bytes, base + 1, images, r * CIFAR_IMAGE_BYTES);
  }
  return { count, images, labels };
}

/** Read and parse one batch file. */
export function readCifarBatch(file: string): CifarBatch {
  let bytes: Uint8Array;
  try {
    const buf = readFileSync(file);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new DatasetError(file, `cannot read (${code === 'ENOENT' ? 'no such file' : (err as Error).message})`);
  }
  return parseCifarBatch(bytes, file);
}

/**
 * Convert one 32x32x3 image from CHW planes (src, starting at srcOffset) to HWC (dst at dstOffset):
 * dst[3p + c] = src[c*1024 + p] for pixel p = row*32 + col.
 */
export function chwToHwc(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): void {
  const r = srcOffset;
  const g = srcOffset + CIFAR_PLANE;
  const b = srcOffset + 2 * CIFAR_PLANE;
  for (let p = 0, o = dstOffset; p < CIFAR_PLANE; p++, o += 3) {
    dst[o] = src[r + p];
    dst[o + 1] = src[g + p];
    dst[o + 2] = src[b + p];
  }
}

/** Records in a batch file of `size` bytes; throws unless it is a positive multiple of 3073. */
export function cifarRecordCount(size: number, file: string): number {
  if (size === 0) throw new DatasetError(file, 'empty file (a CIFAR-10 batch holds 3073-byte records)');
  if (size % CIFAR_RECORD_BYTES !== 0) {
    const whole = Math.floor(size / CIFAR_RECORD_BYTES);
    throw new DatasetError(
      file,
      `size ${size} bytes is not a multiple of ${CIFAR_RECORD_BYTES} (1 label byte + ${CIFAR_IMAGE_BYTES} pixel bytes ` +
        `per record): ${whole} whole records and ${size - whole * CIFAR_RECORD_BYTES} extra bytes; truncated or not a CIFAR-10 batch`,
    );
  }
  return size / CIFAR_RECORD_BYTES;
}

/**
 * The folder that holds the batch files: `dir` itself, or its `cifar-10-batches-bin` sub-folder when
 * the user picked the folder the official tarball was extracted into.
 */
export function resolveCifarDir(dir: string): string {
  const abs = path.resolve(dir);
  if (!existsSync(path.join(abs, CIFAR_TEST_FILE)) && existsSync(path.join(abs, CIFAR_BIN_SUBFOLDER, CIFAR_TEST_FILE))) {
    return path.join(abs, CIFAR_BIN_SUBFOLDER);
  }
  return abs;
}

/**
 * Locate the batch files of a folder: test_batch.bin and at least one of data_batch_1..5.bin.
 * Throws a DatasetError that lists what was expected and what the folder holds.
 */
export function findCifarFiles(dir: string): CifarFiles {
  const abs = resolveCifarDir(dir);
  if (!existsSync(abs)) throw new DatasetError(abs, 'folder does not exist');
  if (!statSync(abs).isDirectory()) throw new DatasetError(abs, 'is a file, expected the cifar-10-batches-bin folder');
  const trainFiles = CIFAR_TRAIN_FILES.map((f) => path.join(abs, f)).filter((p) => existsSync(p));
  const testFile = path.join(abs, CIFAR_TEST_FILE);
  const hasTest = existsSync(testFile);
  if (!hasTest || trainFiles.length === 0) {
    const lacking = [!hasTest ? CIFAR_TEST_FILE : '', trainFiles.length === 0 ? 'a data_batch_N.bin' : '']
      .filter(Boolean)
      .join(' and ');
    throw new DatasetError(
      abs,
      `not a CIFAR-10 binary folder: missing ${lacking}; expected ${CIFAR_TEST_FILE} plus at least one of ` +
        `${CIFAR_TRAIN_FILES.join(', ')} (the ${CIFAR_BIN_SUBFOLDER} layout); found: ${listing(abs)}`,
    );
  }
  return { dir: abs, trainFiles, testFile };
}

/** Short listing of a folder for error messages. */
function listing(dir: string): string {
  try {
    const names = readdirSync(dir).sort();
    if (names.length === 0) return '(empty folder)';
    return names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length} entries)` : names.join(', ');
  } catch {
    return '(unreadable)';
  }
}
