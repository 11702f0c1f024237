// Small helpers shared by the science tests.
import type { Rng } from '../../../src/main/science/rng';

/** Plain array of a typed array, with −0 folded into +0 so toEqual compares values only. */
export function list(a: ArrayLike<number>): number[] {
  return Array.from(a, (v) => v + 0);
}

export function f32(values: number[]): Float32Array {
  return Float32Array.from(values);
}

export function u8(values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** An Rng that fails the test if anything draws from it. */
export const NO_DRAWS: Rng = {
  float: () => {
    throw new Error('unexpected draw');
  },
  int: () => {
    throw new Error('unexpected draw');
  },
  normal: () => {
    throw new Error('unexpected draw');
  },
};

/** Sorted copy of numbers (ascending), for multiset comparisons. */
export function sortedValues(a: ArrayLike<number>): number[] {
  return list(a).sort((x, y) => x - y);
}

/** Element-wise equality of two typed arrays (fast; vitest's deep equality is slow on 100K+ entries). */
export function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
