// Summaries over seeds and the Z19 significance rule for charts (SCIENCE.md §2).
import ttest2 from '@stdlib/stats-ttest2';

export interface Summary {
  n: number;
  mean: number;
  min: number;
  max: number;
  /** Sample standard deviation (divides by n − 1); 0 when n = 1. */
  std: number;
  /** 5% and 95% quantiles, linear interpolation (see quantile). */
  q05: number;
  q95: number;
}

/**
 * Quantile of an ascending-sorted sample by linear interpolation between order statistics: with
 * h = (n − 1)·p, q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). This is Hyndman & Fan's type 7, the default
 * of R's quantile() and numpy.quantile. NaN for an empty sample.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile level must be in [0, 1] (got ${p})`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Per-point summary of values over seeds. n = 0 gives NaN statistics; n = 1 gives std 0 and every other
 * statistic equal to the value. NaN inputs propagate (a diverged run shows up rather than vanishing).
 */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: NaN, min: NaN, max: NaN, std: NaN, q05: NaN, q95: NaN };
  const sorted = Float64Array.from(values).sort();
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return {
    n,
    mean,
    min: sorted[0],
    max: sorted[n - 1],
    std: n > 1 ? Math.sqrt(sq / (n - 1)) : 0,
    q05: quantileSorted(sorted, 0.05),
    q95: quantileSorted(sorted, 0.95),
  };
}

function mean(x: readonly number[]): number {
  return x.reduce((s, v) => s + v, 0) / x.length;
}

/** All values equal (exactly): the sample has no spread, whatever rounding a variance formula shows. */
function spreadless(x: readonly number[]): boolean {
  return x.every((v) => v === x[0]);
}

/**
 * One-sided Welch t-test p-value for "mean(x) > mean(y)" (Satterthwaite degrees of freedom), via
 * @stdlib/stats-ttest2. Degenerate cases, where the t statistic is undefined, never yield NaN:
 * - fewer than 2 values on either side (no variance estimate): p = 1 (cannot be significant);
 * - both samples without spread (all values equal within each): p = 0 if mean(x) > mean(y) (the t
 *   statistic is +∞), else p = 1;
 * - non-finite values anywhere: p = 1.
 */
export function welchGreaterP(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2 || y.length < 2) return 1;
  if (x.some((v) => !Number.isFinite(v)) || y.some((v) => !Number.isFinite(v))) return 1;
  if (spreadless(x) && spreadless(y)) return x[0] > y[0] ? 0 : 1;
  const p = ttest2(x as number[], y as number[], { alternative: 'greater', variance: 'unequal' }).pValue;
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1;
}

export interface Significance {
  /** The variant significantly above every other one (the chart's star), or null. */
  best: string | null;
  /** The variant with the highest mean (first in key order on equal means), or null if none has data. */
  leader: string | null;
  /** p-value of "leader > variant" for every other variant with data. */
  pValues: Record<string, number>;
}

/**
 * Z19's star at one x-point: the leader (highest mean) is significant iff the one-sided Welch test
 * "leader > other" gives p < alpha against every other variant, without multiple-comparison correction.
 * Variants without samples are ignored; with fewer than two variants nothing can be significant.
 * Non-finite samples never win a star (their tests give p = 1, see welchGreaterP).
 */
export function bestSignificant(samples: Record<string, readonly number[]>, alpha = 0.05): Significance {
  const ids = Object.keys(samples).filter((id) => samples[id].length > 0);
  let leader: string | null = null;
  let leaderMean = -Infinity;
  for (const id of ids) {
    const m = mean(samples[id]);
    if (leader === null || m > leaderMean) {
      leader = id;
      leaderMean = m;
    }
  }
  const pValues: Record<string, number> = {};
  if (leader === null) return { best: null, leader: null, pValues };
  for (const id of ids) if (id !== leader) pValues[id] = welchGreaterP(samples[leader], samples[id]);
  const others = Object.values(pValues);
  const best = others.length > 0 && others.every((p) => p < alpha) ? leader : null;
  return { best, leader, pValues };
}
