// Pruning one layer by score, pruning schedules and % weights remaining (SCIENCE.md §1–2).
import type { LayerKind } from '../../common/nets';
import { canonicalScore, selectKth } from './order';
import type { Rng } from './rng';

/** Prune rate per layer kind (fraction of the alive weights removed per round). */
export interface PruneRates {
  conv: number;
  dense: number;
  output: number;
}

export function rateFor(kind: LayerKind, rates: PruneRates): number {
  return rates[kind];
}

/**
 * Absolute tolerance of pruneCount: a product within 1e-7 below an integer is that integer. It absorbs
 * binary rounding of decimal rates (0.29 × 100 = 28.999999999999996 in doubles, which must prune 29);
 * the rounding error of alive × rate stays below 2e-8 for any layer under 10^8 weights, and a rate with
 * at most 6 decimals never gives a true product within 1e-6 of an integer without being one.
 */
const COUNT_TOLERANCE = 1e-7;

/** Number of weights one round prunes from a layer: floor(alive × rate), computed as on the decimals. */
export function pruneCount(alive: number, rate: number): number {
  if (!Number.isInteger(alive) || alive < 0) throw new RangeError(`alive must be a non-negative integer (got ${alive})`);
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rate must be in [0, 1] (got ${rate})`);
  return Math.floor(alive * rate + COUNT_TOLERANCE);
}

/**
 * Alive counts of a layer of n weights under iterative pruning: [a_0 = n, a_1, …, a_rounds] with
 * a_{k+1} = a_k − pruneCount(a_k, rate). One-shot level k prunes the dense layer straight to a_k.
 */
export function aliveSchedule(n: number, rate: number, rounds: number): number[] {
  if (!Number.isInteger(rounds) || rounds < 0) throw new RangeError(`rounds must be a non-negative integer (got ${rounds})`);
  const out = [n];
  let a = n;
  for (let k = 0; k < rounds; k++) {
    a -= pruneCount(a, rate);
    out.push(a);
  }
  return out;
}

export function countAlive(mask: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) c++;
  return c;
}

/** Kept kernel weights / all maskable kernel weights over the whole net, in percent. */
export function percentRemaining(masks: readonly Uint8Array[]): number {
  let alive = 0;
  let total = 0;
  for (const m of masks) {
    alive += countAlive(m);
    total += m.length;
  }
  return total === 0 ? 100 : (100 * alive) / total;
}

/**
 * The next mask of a layer: among alive weights (nonzero in `alive`), remove the `count` with the lowest
 * score; weights already pruned stay pruned. Order: by score (NaN counts as −Infinity, −0 as +0), then by a
 * uniform random key from `rng`, then by index. The keys are drawn one per weight position, in index
 * order, whenever equal scores straddle the cut (and only then: without such ties the stream is not
 * used), so the key of position j depends only on the stream, and the mask is a deterministic function
 * of (scores, alive, count, stream). Expected O(n) (quickselect), O(n log n) worst case.
 */
export function pruneLayer(scores: ArrayLike<number>, alive: Uint8Array, count: number, rng: Rng): Uint8Array {
  const n = alive.length;
  if (scores.length !== n) throw new RangeError(`scores (${scores.length}) and mask (${n}) differ in size`);
  const mask = new Uint8Array(n);
  let m = 0;
  for (let j = 0; j < n; j++) {
    if (alive[j]) {
      mask[j] = 1;
      m++;
    }
  }
  if (!Number.isInteger(count) || count < 0 || count > m) {
    throw new RangeError(`cannot prune ${count} of ${m} alive weights`);
  }
  if (count === 0) return mask;
  if (count === m) return new Uint8Array(n);

  // Canonical scores once (NaN → −Infinity, −0 → +0); then the count-th smallest alive score is the cut.
  const s = new Float64Array(n);
  const buf = new Float64Array(m);
  for (let j = 0, a = 0; j < n; j++) {
    const v = canonicalScore(scores[j]);
    s[j] = v;
    if (alive[j]) buf[a++] = v;
  }
  const cut = selectKth(buf, count - 1);

  // Everything strictly below the cut goes; `need` more come from the weights scoring exactly `cut`.
  let below = 0;
  let tied = 0;
  for (let j = 0; j < n; j++) {
    if (!alive[j]) continue;
    if (s[j] < cut) {
      mask[j] = 0;
      below++;
    } else if (s[j] === cut) tied++;
  }
  const need = count - below;
  if (need === tied) {
    for (let j = 0; j < n; j++) if (alive[j] && s[j] === cut) mask[j] = 0;
    return mask;
  }

  // Break the tie: the `need` tied weights with the smallest random keys (then lowest index) go.
  const keys = new Float64Array(n);
  for (let j = 0; j < n; j++) keys[j] = rng.float();
  const tiedKeys = new Float64Array(tied);
  for (let j = 0, t = 0; j < n; j++) if (alive[j] && s[j] === cut) tiedKeys[t++] = keys[j];
  const keyCut = selectKth(tiedKeys, need - 1);
  let removed = 0;
  for (let j = 0; j < n; j++) {
    if (alive[j] && s[j] === cut && keys[j] < keyCut) {
      mask[j] = 0;
      removed++;
    }
  }
  for (let j = 0; j < n && removed < need; j++) {
    if (alive[j] && s[j] === cut && keys[j] === keyCut) {
      mask[j] = 0;
      removed++;
    }
  }
  return mask;
}

/** Prune a layer down to exactly `targetAlive` alive weights (one-shot mode), same order as pruneLayer. */
export function pruneLayerToCount(scores: ArrayLike<number>, alive: Uint8Array, targetAlive: number, rng: Rng): Uint8Array {
  const m = countAlive(alive);
  if (!Number.isInteger(targetAlive) || targetAlive < 0 || targetAlive > m) {
    throw new RangeError(`cannot prune ${m} alive weights to ${targetAlive}`);
  }
  return pruneLayer(scores, alive, m - targetAlive, rng);
}
