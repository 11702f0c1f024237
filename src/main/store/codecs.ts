// Compact, exact encodings of the tensors a round stores (weights, biases, masks).
//
//   f32le          float32 little-endian, 4 bytes per value, bit-exact (NaN payloads and -0 survive)
//   f32le-sparse   for pruned weights: a bitmap of the positions whose value is not +0 (packed like a mask),
//                  then those values as float32 little-endian, in order. Exact too (-0 counts as a value).
//   bits           a 0/1 mask packed 8 per byte, least significant bit first; the last byte is zero-padded
//   bits+deflate   the same bits, raw-deflated, when that saves at least 10% (dense or very sparse masks)
//
// Why not deflate the floats: measured on a 4M-weight layer, deflate (level 1) saves only 7% on dense
// weights for ~0.5 s of CPU in the writer's main thread, and on pruned weights (mostly exact zeros) the
// sparse form is both smaller (keep 50%: 0.53 of raw vs 0.58; keep 10%: 0.13 vs 0.16) and ~20x faster.
import zlib from 'node:zlib';
import os from 'node:os';

export const TENSOR_ENCODINGS = ['f32le', 'f32le-sparse', 'bits', 'bits+deflate'] as const;
export type TensorEncoding = (typeof TENSOR_ENCODINGS)[number];

/**
 * The sparse form costs n/8 bytes of bitmap and saves 4 bytes per +0; it is used from this fraction of +0
 * on (below it the saving is a few percent and dense reads are simpler).
 */
export const F32_SPARSE_MIN_ZERO_FRACTION = 0.1;
/** A deflated mask is kept only when it is at most this fraction of the packed bits. */
const DEFLATE_KEEP_RATIO = 0.9;
/** Fast deflate: runs of equal bytes compress nearly as well as at level 6, in a fraction of the time. */
const DEFLATE_LEVEL = 1;

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** float32 values → little-endian bytes (a copy; the input is not retained). */
export function encodeF32(data: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(data.byteLength);
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } else {
    // Through 32-bit patterns, never through numbers (which may alter NaN payloads).
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < bits.length; i++) view.setUint32(i * 4, bits[i], true);
  }
  return out;
}

/** Little-endian bytes → float32 values. Copies into a fresh, aligned buffer (blobs may be unaligned). */
export function decodeF32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new RangeError(`float32 data must be a multiple of 4 bytes, got ${bytes.byteLength}`);
  const out = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const bits = new Uint32Array(out.buffer);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < bits.length; i++) bits[i] = view.getUint32(i * 4, true);
  }
  return out;
}

/** A 0/1 mask → ceil(n/8) bytes, element i in bit (i % 8) of byte floor(i / 8). Throws on other values. */
export function encodeMask(mask: Uint8Array): Buffer {
  const n = mask.length;
  const out = Buffer.alloc((n + 7) >>> 3);
  const whole = n & ~7;
  let i = 0;
  for (; i < whole; i += 8) {
    const b =
      mask[i] |
      (mask[i + 1] << 1) |
      (mask[i + 2] << 2) |
      (mask[i + 3] << 3) |
      (mask[i + 4] << 4) |
      (mask[i + 5] << 5) |
      (mask[i + 6] << 6) |
      (mask[i + 7] << 7);
    // Any value other than 0/1 sets a bit outside its own slot or a bit above 7, which this check catches
    // for the byte as a whole without a per-element branch.
    if ((mask[i] | mask[i + 1] | mask[i + 2] | mask[i + 3] | mask[i + 4] | mask[i + 5] | mask[i + 6] | mask[i + 7]) > 1) {
      throw new RangeError(`a mask holds only 0 and 1; found another value near index ${i}`);
    }
    out[i >>> 3] = b;
  }
  for (; i < n; i++) {
    const v = mask[i];
    if (v > 1) throw new RangeError(`a mask holds only 0 and 1; found ${v} at index ${i}`);
    out[i >>> 3] |= v << (i & 7);
  }
  return out;
}

/** Packed bits → a 0/1 Uint8Array of `length` elements. */
export function decodeMask(bytes: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`mask length must be a non-negative integer, got ${length}`);
  if (bytes.byteLength !== (length + 7) >>> 3) {
    throw new RangeError(`a mask of ${length} elements takes ${(length + 7) >>> 3} bytes, got ${bytes.byteLength}`);
  }
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (bytes[i >>> 3] >>> (i & 7)) & 1;
  return out;
}

/** Number of +0 values (bit pattern 0; -0 is not counted, so it survives the sparse form). */
export function countPositiveZeros(data: Float32Array): number {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  let values = 0;
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    values += (x | -x) >>> 31; // branch-free: 1 unless x is 0
  }
  return bits.length - values;
}

/** float32 values → bitmap of non-(+0) positions + those values (little-endian). */
export function encodeF32Sparse(data: Float32Array): Buffer {
  const n = data.length;
  const bits = new Uint32Array(data.buffer, data.byteOffset, n);
  const nonzero = n - countPositiveZeros(data);
  const bitmapBytes = (n + 7) >>> 3;
  const out = Buffer.alloc(bitmapBytes + 4 * nonzero);
  // Copied as 32-bit patterns, not as numbers: a float → double → float trip may alter NaN payloads.
  // Branch-free (pruned positions are random, so a branch would mispredict half the time): every value is
  // written at k, and k only advances past the non-zero ones. Hence one spare slot.
  const values = new Uint32Array(nonzero + 1);
  let k = 0;
  for (let i = 0; i < n; i += 8) {
    const end = Math.min(8, n - i);
    let byte = 0;
    for (let j = 0; j < end; j++) {
      const x = bits[i + j];
      const isValue = (x | -x) >>> 31; // 1 unless x is 0 (+0)
      values[k] = x;
      k += isValue;
      byte |= isValue << j;
    }
    out[i >>> 3] = byte;
  }
  out.set(encodeF32(new Float32Array(values.buffer, 0, nonzero)), bitmapBytes);
  return out;
}

/** Inverse of encodeF32Sparse for a tensor of `length` values. */
export function decodeF32Sparse(bytes: Uint8Array, length: number): Float32Array {
  const bitmapBytes = (length + 7) >>> 3;
  if (bytes.byteLength < bitmapBytes) throw new RangeError(`sparse float tensor of ${length} values is truncated`);
  const values = new Uint32Array(decodeF32(bytes.subarray(bitmapBytes)).buffer);
  const out = new Float32Array(length);
  const outBits = new Uint32Array(out.buffer);
  let k = 0;
  for (let i = 0; i < length; i++) {
    if ((bytes[i >>> 3] >>> (i & 7)) & 1) {
      if (k === values.length) throw new RangeError(`sparse float tensor of ${length} values has fewer values than its bitmap says`);
      outBits[i] = values[k++];
    }
  }
  if (k !== values.length)
    throw new RangeError(`sparse float tensor of ${length} values has ${values.length - k} values more than its bitmap says`);
  return out;
}

/** Encodes a float tensor or a 0/1 mask into its most compact worthwhile encoding. */
export function encodeTensor(data: Float32Array | Uint8Array): { encoding: TensorEncoding; blob: Buffer } {
  if (data instanceof Float32Array) {
    const sparse = data.length > 0 && countPositiveZeros(data) >= data.length * F32_SPARSE_MIN_ZERO_FRACTION;
    return sparse ? { encoding: 'f32le-sparse', blob: encodeF32Sparse(data) } : { encoding: 'f32le', blob: encodeF32(data) };
  }
  if (data instanceof Uint8Array) {
    const packed = encodeMask(data);
    const deflated = zlib.deflateRawSync(packed, { level: DEFLATE_LEVEL });
    return deflated.byteLength <= packed.byteLength * DEFLATE_KEEP_RATIO
      ? { encoding: 'bits+deflate', blob: deflated }
      : { encoding: 'bits', blob: packed };
  }
  throw new TypeError('a tensor must be a Float32Array (weights) or a Uint8Array of 0/1 (masks)');
}

/** Decodes a stored blob; `length` (the product of the shape) is checked against the data. */
export function decodeTensor(encoding: string, blob: Uint8Array, length: number): Float32Array | Uint8Array {
  switch (encoding) {
    case 'f32le': {
      const out = decodeF32(blob);
      if (out.length !== length) throw new RangeError(`stored float tensor has ${out.length} values, its shape says ${length}`);
      return out;
    }
    case 'f32le-sparse':
      return decodeF32Sparse(blob, length);
    case 'bits':
      return decodeMask(blob, length);
    case 'bits+deflate':
      return decodeMask(zlib.inflateRawSync(blob), length);
    default:
      throw new RangeError(`unknown tensor encoding "${encoding}" (written by a newer Ticket Lab?)`);
  }
}
