// Compact, exact encodings of the tensors a round stores (weights, biases, masks).
//
//   f32le          float32 little-endian, 4 bytes per value, bit-exact (NaN payloads and -0 survive)
//   f32le+deflate  the same bytes, raw-deflated; chosen only when the tensor is sparse enough to gain a lot
//   bits           a 0/1 mask packed 8 per byte, least significant bit first; the last byte is zero-padded
//   bits+deflate   the same bits, raw-deflated (dense or very sparse masks shrink to almost nothing)
//
// Dense float32 weights deflate by only ~7% at a cost of ~0.5 s per 4M values (measured), which would stall
// the writer's main thread; pruned weights are mostly exact zeros and deflate by 40–85% far faster. So floats
// are deflated only when at least F32_DEFLATE_MIN_ZERO_FRACTION of them are zero, and any deflated result is
// kept only if it saves at least 10%.
import zlib from 'node:zlib';
import os from 'node:os';

export const TENSOR_ENCODINGS = ['f32le', 'f32le+deflate', 'bits', 'bits+deflate'] as const;
export type TensorEncoding = (typeof TENSOR_ENCODINGS)[number];

/** Floats are worth deflating (time against space) from this fraction of exact zeros on. */
export const F32_DEFLATE_MIN_ZERO_FRACTION = 0.25;
/** A deflated blob is kept only when it is at most this fraction of the plain one. */
const DEFLATE_KEEP_RATIO = 0.9;
/** Fast deflate: level 1 compresses runs of zeros nearly as well as level 6 at a fraction of the time. */
const DEFLATE_LEVEL = 1;

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** float32 values → little-endian bytes (a copy; the input is not retained). */
export function encodeF32(data: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(data.byteLength);
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } else {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
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
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
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

/** Fraction of exact zeros (+0 and -0) in `data`; 0 for an empty array. */
export function zeroFraction(data: Float32Array): number {
  if (data.length === 0) return 0;
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return zeros / data.length;
}

function maybeDeflate(plain: Buffer, encoding: 'f32le' | 'bits'): { encoding: TensorEncoding; blob: Buffer } {
  const deflated = zlib.deflateRawSync(plain, { level: DEFLATE_LEVEL });
  return deflated.byteLength <= plain.byteLength * DEFLATE_KEEP_RATIO
    ? { encoding: `${encoding}+deflate`, blob: deflated }
    : { encoding, blob: plain };
}

/** Encodes a float tensor or a 0/1 mask into its most compact worthwhile encoding. */
export function encodeTensor(data: Float32Array | Uint8Array): { encoding: TensorEncoding; blob: Buffer } {
  if (data instanceof Float32Array) {
    const plain = encodeF32(data);
    return zeroFraction(data) >= F32_DEFLATE_MIN_ZERO_FRACTION ? maybeDeflate(plain, 'f32le') : { encoding: 'f32le', blob: plain };
  }
  if (data instanceof Uint8Array) return maybeDeflate(encodeMask(data), 'bits');
  throw new TypeError('a tensor must be a Float32Array (weights) or a Uint8Array of 0/1 (masks)');
}

/** Decodes a stored blob; `length` (the product of the shape) is checked against the data. */
export function decodeTensor(encoding: string, blob: Uint8Array, length: number): Float32Array | Uint8Array {
  switch (encoding) {
    case 'f32le':
    case 'f32le+deflate': {
      const bytes = encoding === 'f32le' ? blob : zlib.inflateRawSync(blob);
      const out = decodeF32(bytes);
      if (out.length !== length) throw new RangeError(`stored float tensor has ${out.length} values, its shape says ${length}`);
      return out;
    }
    case 'bits':
      return decodeMask(blob, length);
    case 'bits+deflate':
      return decodeMask(zlib.inflateRawSync(blob), length);
    default:
      throw new RangeError(`unknown tensor encoding "${encoding}" (written by a newer Ticket Lab?)`);
  }
}
