// Tensor codecs: exact float32 round trips (NaN, -0, infinities, subnormals), bit-packed masks of every
// length modulo 8, the documented bit order, the sparse float form, and the choice of encoding.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeF32,
  decodeMask,
  decodeTensor,
  encodeF32,
  encodeMask,
  encodeTensor,
  countPositiveZeros,
  decodeF32Sparse,
  encodeF32Sparse,
  F32_SPARSE_MIN_ZERO_FRACTION,
} from '../../../src/main/store/codecs';
import { floats } from './helpers';

/** Bitwise equality of two float arrays (NaN payloads and the sign of zero included). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

describe('float32 codec', () => {
  it('round-trips special values bit for bit', () => {
    const special = new Float32Array([0, -0, NaN, Infinity, -Infinity, 1.4e-45, -1.4e-45, 3.4028234663852886e38, 1, -1, 0.1]);
    // A NaN with a non-default payload must survive too.
    new Uint32Array(special.buffer)[2] = 0x7fc12345;
    const bytes = encodeF32(special);
    expect(bytes.byteLength).toBe(special.length * 4);
    const back = decodeF32(bytes);
    expect(sameBits(back, special)).toBe(true);
    expect(Object.is(back[1], -0)).toBe(true);
    expect(Number.isNaN(back[2])).toBe(true);
  });

  it('is little-endian (1.0 is 00 00 80 3f)', () => {
    expect([...encodeF32(new Float32Array([1]))]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('reads from an unaligned view of a larger buffer', () => {
    const data = floats(33, 7);
    const padded = new Uint8Array(1 + data.byteLength);
    padded.set(encodeF32(data), 1);
    expect(sameBits(decodeF32(padded.subarray(1)), data)).toBe(true);
  });

  it('encodes a subarray view, not its whole buffer', () => {
    const all = floats(10, 3);
    expect(sameBits(decodeF32(encodeF32(all.subarray(2, 5))), all.subarray(2, 5))).toBe(true);
  });

  it('rejects a byte count that is not a multiple of 4', () => {
    expect(() => decodeF32(new Uint8Array(7))).toThrow(/multiple of 4/);
  });

  it('round-trips arbitrary floats (property)', () => {
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 200 }), (a) => sameBits(decodeF32(encodeF32(a)), a)),
      { numRuns: 200 },
    );
  });
});

describe('mask codec', () => {
  it('packs 8 elements per byte, least significant bit first', () => {
    expect([...encodeMask(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 1, 1, 1]))]).toEqual([0b1000_0001, 0b0000_0011]);
  });

  it('round-trips every length from 0 to 40 (odd lengths pad the last byte)', () => {
    for (let n = 0; n <= 40; n++) {
      const m = new Uint8Array(n).map((_, i) => ((i * 7 + n) % 3 === 0 ? 1 : 0));
      const bytes = encodeMask(m);
      expect(bytes.byteLength).toBe(Math.ceil(n / 8));
      expect([...decodeMask(bytes, n)]).toEqual([...m]);
    }
  });

  it('round-trips arbitrary masks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 300 }), (bits) => {
        const m = Uint8Array.from(bits);
        return decodeMask(encodeMask(m), m.length).every((v, i) => v === m[i]);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects values other than 0 and 1, in the packed body and in the tail', () => {
    expect(() => encodeMask(new Uint8Array([1, 0, 2, 0, 0, 0, 0, 0]))).toThrow(/only 0 and 1/);
    expect(() => encodeMask(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 255]))).toThrow(/found 255 at index 9/);
  });

  it('rejects a byte count that does not match the length', () => {
    expect(() => decodeMask(new Uint8Array(2), 17)).toThrow(/takes 3 bytes/);
  });
});

describe('encodeTensor', () => {
  it('keeps dense weights as plain float32', () => {
    const dense = floats(4096, 1);
    const { encoding, blob } = encodeTensor(dense);
    expect(encoding).toBe('f32le');
    expect(sameBits(decodeTensor(encoding, blob, dense.length) as Float32Array, dense)).toBe(true);
  });

  it('stores pruned (mostly +0) weights sparsely and restores them bit for bit, -0 and NaN included', () => {
    const sparse = floats(4099, 2, 2); // half +0, odd length
    sparse[1] = -0; // a value, not a zero
    new Uint32Array(sparse.buffer)[3] = 0x7fa00001; // a NaN with a payload
    expect(F32_SPARSE_MIN_ZERO_FRACTION).toBeLessThanOrEqual(0.5);
    const { encoding, blob } = encodeTensor(sparse);
    expect(encoding).toBe('f32le-sparse');
    const nonzero = sparse.length - countPositiveZeros(sparse);
    expect(blob.byteLength).toBe(Math.ceil(sparse.length / 8) + 4 * nonzero);
    expect(blob.byteLength).toBeLessThan(sparse.byteLength * 0.6);
    const back = decodeTensor(encoding, blob, sparse.length) as Float32Array;
    expect(sameBits(back, sparse)).toBe(true);
    expect(Object.is(back[1], -0)).toBe(true);
  });

  it('round-trips arbitrary sparse floats (property)', () => {
    const arb = fc.array(fc.oneof(fc.constant(0), fc.float()), { maxLength: 100 }).map((xs) => Float32Array.from(xs));
    fc.assert(
      fc.property(arb, (a) => sameBits(decodeF32Sparse(encodeF32Sparse(a), a.length), a)),
      { numRuns: 300 },
    );
  });

  it('refuses a sparse blob whose bitmap and values disagree', () => {
    const blob = encodeF32Sparse(new Float32Array([0, 1, 0, 2]));
    expect(() => decodeF32Sparse(blob.subarray(0, blob.length - 4), 4)).toThrow(/fewer values than its bitmap/);
    expect(() => decodeF32Sparse(Buffer.concat([blob, Buffer.alloc(4)]), 4)).toThrow(/1 values more than its bitmap/);
  });

  it('packs masks to bits and deflates them when that pays', () => {
    const allOnes = new Uint8Array(10_001).fill(1);
    const packed = encodeTensor(allOnes);
    expect(packed.encoding).toBe('bits+deflate');
    expect(packed.blob.byteLength).toBeLessThan(100);
    expect(decodeTensor(packed.encoding, packed.blob, allOnes.length)).toEqual(allOnes);

    const tiny = encodeTensor(new Uint8Array([1, 0, 1]));
    expect(tiny.encoding).toBe('bits');
    expect([...decodeTensor(tiny.encoding, tiny.blob, 3)]).toEqual([1, 0, 1]);
  });

  it('refuses an unknown encoding and a length that does not match', () => {
    expect(() => decodeTensor('f16', new Uint8Array(4), 2)).toThrow(/unknown tensor encoding "f16"/);
    expect(() => decodeTensor('f32le', new Uint8Array(8), 3)).toThrow(/2 values, its shape says 3/);
  });
});
