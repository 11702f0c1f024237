import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestSignificant, quantileSorted, summarize, welchGreaterP } from '../../../src/main/science/stats';

// Student's sleep data (R's `sleep` data set; the example of R's t.test and of stdlib's README).
const SLEEP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

/** P(T_ν > t) for even ν, closed form: P(|T| < t) = √(1−x) Σ_{j<ν/2} (2j−1)!!/(2j)!! x^j, x = ν/(ν+t²). */
function tUpperEvenDf(t: number, nu: number): number {
  const x = nu / (nu + t * t);
  let c = 1;
  let s = 0;
  for (let j = 0; j < nu / 2; j++) {
    if (j > 0) c *= (2 * j - 1) / (2 * j);
    s += c * x ** j;
  }
  return (1 - Math.sqrt(1 - x) * s) / 2;
}

describe('summarize', () => {
  it('gives n, mean, min, max, sample std and type-7 quantiles', () => {
    const s = summarize([3, 1, 5, 2, 4]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.min).toBe(1);
    expect(s.max).toBe(5);
    expect(s.std).toBeCloseTo(Math.sqrt(2.5), 12); // divides by n − 1
    // numpy.quantile([1,2,3,4,5], [0.05, 0.95]) = [1.2, 4.8]
    expect(s.q05).toBeCloseTo(1.2, 12);
    expect(s.q95).toBeCloseTo(4.8, 12);
    // numpy.quantile([0.91, 0.93, 0.9, 0.95], [0.05, 0.95]) = [0.9015, 0.947]
    const t = summarize([0.91, 0.93, 0.9, 0.95]);
    expect(t.q05).toBeCloseTo(0.9015, 12);
    expect(t.q95).toBeCloseTo(0.947, 12);
  });

  it('handles one value and no values', () => {
    expect(summarize([0.97])).toEqual({ n: 1, mean: 0.97, min: 0.97, max: 0.97, std: 0, q05: 0.97, q95: 0.97 });
    const e = summarize([]);
    expect(e.n).toBe(0);
    expect(Number.isNaN(e.mean) && Number.isNaN(e.q05)).toBe(true);
  });

  it('quantiles lie between min and max and are monotone in p (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const s = summarize(xs);
        expect(s.min).toBeLessThanOrEqual(s.q05);
        expect(s.q05).toBeLessThanOrEqual(s.q95);
        expect(s.q95).toBeLessThanOrEqual(s.max);
        expect(s.mean).toBeGreaterThanOrEqual(s.min - 1e-9 * Math.abs(s.min));
        expect(s.mean).toBeLessThanOrEqual(s.max + 1e-9 * Math.abs(s.max));
      }),
    );
    expect(quantileSorted([1, 2], 0.5)).toBe(1.5);
    expect(() => quantileSorted([1], 2)).toThrow(RangeError);
  });
});

describe('welchGreaterP', () => {
  it('matches R / scipy on the sleep data: t = 1.8608, df = 17.776, one-sided p = 0.03970', () => {
    // R: t.test(extra ~ group, data = sleep) prints t = -1.8608, df = 17.776, p-value = 0.07939 (two-sided);
    // scipy.stats.ttest_ind(g2, g1, equal_var=False, alternative='greater').pvalue = 0.03969707009367915.
    expect(welchGreaterP(SLEEP2, SLEEP1)).toBeCloseTo(0.03969707009367915, 8);
    expect(welchGreaterP(SLEEP1, SLEEP2)).toBeCloseTo(1 - 0.03969707009367915, 8);
  });

  it('matches hand-derived values where Welch df is an even integer', () => {
    // x = 1..5, y = 0..4: means differ by 1, se = 1 → t = 1, df = 8; P(T_8 > 1) = 0.173296753543667.
    expect(tUpperEvenDf(1, 8)).toBeCloseTo(0.173296753543667, 12);
    expect(welchGreaterP([1, 2, 3, 4, 5], [0, 1, 2, 3, 4])).toBeCloseTo(tUpperEvenDf(1, 8), 9);
    // x = [3, 5], y = [0, 2]: t = 3/√2, df = 2; P(T_2 > t) = 1/2 − t / (2√(2 + t²)) = 0.0839748528.
    const t = 3 / Math.SQRT2;
    expect(welchGreaterP([3, 5], [0, 2])).toBeCloseTo(0.5 - t / (2 * Math.sqrt(2 + t * t)), 9);
  });

  it('never returns NaN: n < 2 gives 1, zero spread on both sides gives 0 or 1', () => {
    expect(welchGreaterP([0.9], [0.1, 0.2])).toBe(1);
    expect(welchGreaterP([0.9, 0.8], [])).toBe(1);
    expect(welchGreaterP([0.9, 0.9, 0.9], [0.8, 0.8, 0.8])).toBe(0);
    expect(welchGreaterP([0.8, 0.8], [0.8, 0.8])).toBe(1);
    expect(welchGreaterP([0.8, 0.8], [0.9, 0.9])).toBe(1);
    // Zero spread on one side only is an ordinary Welch test.
    const p = welchGreaterP([0.9, 0.9, 0.9], [0.8, 0.85, 0.82]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.05);
    expect(welchGreaterP([NaN, 1], [0, 1])).toBe(1);
  });
});

describe('bestSignificant (Z19 star)', () => {
  // scipy one-sided Welch p-values: a > b 0.000526, a > c 0.040258.
  const a = [0.981, 0.979, 0.983, 0.98, 0.982];
  const b = [0.975, 0.977, 0.974, 0.976, 0.978];
  const c = [0.979, 0.981, 0.978, 0.98, 0.977];

  it('stars the leader when every one-sided test is below alpha', () => {
    const r = bestSignificant({ b, a, c });
    expect(r.leader).toBe('a');
    expect(r.best).toBe('a');
    expect(Object.keys(r.pValues).sort()).toEqual(['b', 'c']);
    expect(r.pValues.b).toBeCloseTo(0.0005264128966831965, 8);
    expect(r.pValues.c).toBeCloseTo(0.04025811897861748, 8);
  });

  it('no star when one comparison fails (no multiple-comparison correction either way)', () => {
    const r = bestSignificant({ a, b, c }, 0.04);
    expect(r.leader).toBe('a');
    expect(r.best).toBeNull();
  });

  it('handles ties, single variants, empty variants and tiny samples without NaN', () => {
    expect(bestSignificant({ x: [0.5, 0.6], y: [0.6, 0.5] })).toMatchObject({ leader: 'x', best: null });
    expect(bestSignificant({ only: [0.9, 0.91] })).toEqual({ best: null, leader: 'only', pValues: {} });
    expect(bestSignificant({})).toEqual({ best: null, leader: null, pValues: {} });
    expect(bestSignificant({ a, none: [] })).toEqual({ best: null, leader: 'a', pValues: {} });
    const r = bestSignificant({ a: [0.99], b: [0.1] });
    expect(r).toEqual({ best: null, leader: 'a', pValues: { b: 1 } });
    expect(bestSignificant({ a: [1, 1, 1], b: [0.5, 0.5, 0.5] })).toEqual({ best: 'a', leader: 'a', pValues: { b: 0 } });
  });
});
