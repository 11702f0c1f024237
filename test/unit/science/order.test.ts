import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalScore, selectKth, sortableKeysF32, stableArgsortU32, stableRanksF32 } from '../../../src/main/science/order';
import { list } from './helpers';

/** Rank by definition: how many values are smaller, plus equal values at lower indices. */
function naiveRanks(values: number[]): number[] {
  const v = values.map((x) => canonicalScore(Math.fround(x)));
  return v.map((x, i) => v.filter((y, j) => y < x || (y === x && j < i)).length);
}

describe('canonicalScore', () => {
  it('maps NaN to −Infinity and −0 to +0', () => {
    expect(canonicalScore(NaN)).toBe(-Infinity);
    expect(Object.is(canonicalScore(-0), 0)).toBe(true);
    expect(canonicalScore(-2.5)).toBe(-2.5);
  });
});

describe('selectKth', () => {
  it('returns the k-th smallest value', () => {
    expect(selectKth(Float64Array.from([5, 1, 4, 1, 3]), 0)).toBe(1);
    expect(selectKth(Float64Array.from([5, 1, 4, 1, 3]), 1)).toBe(1);
    expect(selectKth(Float64Array.from([5, 1, 4, 1, 3]), 2)).toBe(3);
    expect(selectKth(Float64Array.from([5, 1, 4, 1, 3]), 4)).toBe(5);
    expect(selectKth(Float64Array.from([-Infinity, 2, Infinity]), 2)).toBe(Infinity);
    expect(() => selectKth(Float64Array.from([1, 2]), 2)).toThrow(RangeError);
  });

  it('agrees with sorting (property, many duplicates)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 200 }), fc.nat(), (xs, kRaw) => {
        const k = kRaw % xs.length;
        const sorted = [...xs].sort((a, b) => a - b);
        expect(selectKth(Float64Array.from(xs), k)).toBe(sorted[k]);
      }),
    );
  });

  it('handles already sorted and constant inputs of realistic size', () => {
    const n = 100_000;
    const asc = new Float64Array(n).map((_, i) => i);
    expect(selectKth(asc.slice(), 12_345)).toBe(12_345);
    expect(selectKth(asc.slice().reverse(), 99_999)).toBe(99_999);
    expect(selectKth(new Float64Array(n).fill(7), 50_000)).toBe(7);
  });
});

describe('float32 keys and stable ranks', () => {
  it('orders keys like the floats, with ±0 equal and NaN lowest', () => {
    const vals = [-Infinity, -3, -0.5, -0, 0, 1e-30, 2, Infinity];
    const keys = sortableKeysF32(vals);
    for (let i = 1; i < vals.length; i++) {
      if (vals[i] === vals[i - 1]) expect(keys[i]).toBe(keys[i - 1]);
      else expect(keys[i]).toBeGreaterThan(keys[i - 1]);
    }
    expect(sortableKeysF32([NaN])[0]).toBe(sortableKeysF32([-Infinity])[0]);
  });

  it('stable argsort lists equal keys by index', () => {
    expect(list(stableArgsortU32(Uint32Array.from([3, 1, 3, 0, 1])))).toEqual([3, 1, 4, 0, 2]);
    expect(list(stableArgsortU32(Uint32Array.from([0xffffffff, 0, 0x80000000, 0x7fffffff])))).toEqual([1, 3, 2, 0]);
  });

  it('ranks give ties distinct consecutive ranks, lower index first', () => {
    expect(list(stableRanksF32([0.5, 0.25, 0.25, -1, 0.5]))).toEqual([3, 1, 2, 0, 4]);
    expect(list(stableRanksF32([-0, 0, -0]))).toEqual([0, 1, 2]);
  });

  it('match the definition of rank (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true })), { maxLength: 60 }), (xs) => {
        expect(list(stableRanksF32(xs))).toEqual(naiveRanks(xs));
      }),
    );
  });
});
