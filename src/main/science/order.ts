// Ordering primitives over typed arrays, fast enough for the largest layer (Conv2 dense1: 4.2M weights).
// Internal building blocks of criteria.ts (ranks) and prune.ts (selection); no randomness here.

/**
 * Canonical form of a score for ordering: NaN becomes −Infinity (a weight whose score is undefined, e.g.
 * after a diverged training, is pruned first) and −0 becomes +0 (so the two zeros compare equal under
 * every ordering used here).
 */
export function canonicalScore(x: number): number {
  return x === x ? x + 0 : -Infinity;
}

/**
 * The k-th smallest value (k = 0 is the minimum) of `a`, which must hold no NaN. Reorders `a` in place.
 * Expected O(n): Hoare-partition quickselect with a median-of-three pivot; if the range fails to shrink
 * quickly enough (adversarial input) it falls back to sorting the remaining range, so the worst case is
 * O(n log n).
 */
export function selectKth(a: Float64Array, k: number): number {
  if (!(k >= 0 && k < a.length) || !Number.isInteger(k)) throw new RangeError(`k=${k} outside 0..${a.length - 1}`);
  let lo = 0;
  let hi = a.length - 1;
  // Each healthy round shrinks the range by a constant factor; allow generous slack before falling back.
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 16;
  while (lo < hi) {
    if (budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[k];
    }
    const mid = lo + ((hi - lo) >>> 1);
    const pivot = median3(a[lo], a[mid], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot, a[i..hi] ≥ pivot, and everything strictly between j and i equals pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function median3(x: number, y: number, z: number): number {
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}

/**
 * Order-preserving unsigned 32-bit keys of float32 values: key(a) < key(b) iff a < b, equal values give
 * equal keys (−0 and +0 included). NaN gets key 0, i.e. it sorts like −Infinity (see canonicalScore).
 */
export function sortableKeysF32(values: ArrayLike<number>): Uint32Array {
  const n = values.length;
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Round to float32 first: a tiny negative double becomes −0 there, which must equal +0.
    const v = Math.fround(canonicalScore(values[i]));
    f[i] = v === 0 ? 0 : v;
  }
  const keys = new Uint32Array(f.buffer);
  for (let i = 0; i < n; i++) {
    const b = keys[i];
    // Negative floats: flip all bits (larger magnitude → smaller key). Non-negative: set the sign bit.
    keys[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
  return keys;
}

/**
 * Stable argsort of unsigned 32-bit keys: the returned permutation lists indices by ascending key, and
 * indices with equal keys in ascending index order. LSD radix sort, four passes of 8 bits: O(n).
 * The keys travel with the indices, so every pass reads sequentially (cache-friendly on 4M entries).
 */
export function stableArgsortU32(keys: Uint32Array): Int32Array {
  const n = keys.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const k = Uint32Array.from(keys);
  const orderTmp = new Int32Array(n);
  const kTmp = new Uint32Array(n);
  const counts = new Int32Array(256);
  // Four 8-bit passes, ping-ponging between the two buffer pairs; the result lands back in `order`.
  radixPass(k, order, kTmp, orderTmp, 0, counts);
  radixPass(kTmp, orderTmp, k, order, 8, counts);
  radixPass(k, order, kTmp, orderTmp, 16, counts);
  radixPass(kTmp, orderTmp, k, order, 24, counts);
  return order;
}

/** One stable counting-sort pass on the 8-bit digit at `shift`, from (kIn, oIn) into (kOut, oOut). */
function radixPass(kIn: Uint32Array, oIn: Int32Array, kOut: Uint32Array, oOut: Int32Array, shift: number, counts: Int32Array): void {
  const n = kIn.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[(kIn[i] >>> shift) & 255]++;
  let sum = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b];
    counts[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const key = kIn[i];
    const dest = counts[(key >>> shift) & 255]++;
    kOut[dest] = key;
    oOut[dest] = oIn[i];
  }
}

/**
 * Ranks of float32 values (rank 0 = smallest). Equal values get distinct consecutive ranks, the lower
 * index first (the stable order). Values are compared after rounding to float32, which is exact for
 * anything read from a Float32Array and for its absolute value or negation.
 */
export function stableRanksF32(values: ArrayLike<number>): Int32Array {
  const order = stableArgsortU32(sortableKeysF32(values));
  const ranks = new Int32Array(order.length);
  for (let r = 0; r < order.length; r++) ranks[order[r]] = r;
  return ranks;
}
