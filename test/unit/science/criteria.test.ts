import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CRITERION_IDS } from '../../../src/common/spec';
import { CRITERIA, sign } from '../../../src/main/science/criteria';
import { f32, list, u8 } from './helpers';

// Hand-made layer of 6 weights (all values exact in float32). Signs: w_i (+ − + − 0 +), w_f (+ + − − + +),
// so weight 0, 3 and 5 keep their sign, 1 and 2 flip, 4 starts at 0.
const wi = f32([0.5, -0.25, 0.125, -0.75, 0, 0.375]);
const wf = f32([0.625, 0.25, -0.125, -0.5, 0.25, 0.375]);
const all = u8([1, 1, 1, 1, 1, 1]);

const score = (id: keyof typeof CRITERIA, alive = all, a = wi, b = wf) => list(CRITERIA[id].score({ wi: a, wf: b, alive }));

describe('criteria registry', () => {
  it('has exactly the ids of spec.ts, each with a label and a one-line description', () => {
    expect(Object.keys(CRITERIA).sort()).toEqual([...CRITERION_IDS].sort());
    for (const id of CRITERION_IDS) {
      expect(CRITERIA[id].id).toBe(id);
      expect(CRITERIA[id].label.length).toBeGreaterThan(0);
      expect(CRITERIA[id].description).toMatch(/^[^\n]{10,}$/);
    }
  });
});

describe('elementwise criteria on a hand-made layer', () => {
  it.each([
    ['large_final', [0.625, 0.25, 0.125, 0.5, 0.25, 0.375]],
    ['small_final', [-0.625, -0.25, -0.125, -0.5, -0.25, -0.375]],
    ['large_init', [0.5, 0.25, 0.125, 0.75, 0, 0.375]],
    ['small_init', [-0.5, -0.25, -0.125, -0.75, 0, -0.375]],
    ['magnitude_increase', [0.125, 0, 0, -0.25, 0.25, 0]],
    ['movement', [0.125, 0.5, 0.25, 0.25, 0.25, 0]],
    ['random', [0, 0, 0, 0, 0, 0]],
    // Same sign keeps |w_f|; flipped (1, 2) and 0 → + (4: sign 0 ≠ +1) score 0.
    ['large_final_same_sign', [0.625, 0, 0, 0.5, 0, 0.375]],
    ['large_final_diff_sign', [0, 0.25, 0.125, 0, 0.25, 0]],
  ] as const)('%s', (id, expected) => {
    expect(score(id)).toEqual(expected);
  });

  it('score every position, alive or not (pruning decides what counts)', () => {
    expect(score('large_final', u8([0, 1, 0, 1, 0, 1]))).toEqual([0.625, 0.25, 0.125, 0.5, 0.25, 0.375]);
  });

  it('sign follows numpy: 0 for zeros, so a weight at exactly 0 in both has the same sign', () => {
    expect([sign(-2), sign(-0), sign(0), sign(3), sign(NaN)]).toEqual([-1, 0, 0, 1, 0]);
    expect(score('large_final_same_sign', u8([1, 1]), f32([0, -0]), f32([0, 0]))).toEqual([0, 0]);
    expect(score('large_final_diff_sign', u8([1, 1]), f32([0, 1]), f32([0.5, -0.5]))).toEqual([0.5, 0.5]);
  });

  it('reject inputs of different sizes', () => {
    expect(() => CRITERIA.large_final.score({ wi: f32([1]), wf: f32([1, 2]), alive: u8([1, 1]) })).toThrow(RangeError);
  });
});

describe('rank criteria', () => {
  it('large_init_large_final: min(rank |w_i|, rank |w_f|), ties by index', () => {
    // rank |w_i| = [4,2,1,5,0,3]; |w_f| has a tie 0.25 at 1 and 4 → rank |w_f| = [5,1,0,4,2,3].
    expect(score('large_init_large_final')).toEqual([4, 1, 0, 4, 0, 3]);
  });

  it('large_init_large_final ranks among alive weights only; dead weights score +Infinity', () => {
    // Without weight 2: rank |w_i| = [3,1,·,4,0,2], rank |w_f| = [4,0,·,3,1,2].
    expect(score('large_init_large_final', u8([1, 1, 0, 1, 1, 1]))).toEqual([3, 0, Infinity, 3, 0, 2]);
  });

  it('small_init_small_final: min of the ranks of −|w_i| and −|w_f| (keeps small weights)', () => {
    // rank −|w_i| = [1,3,4,0,5,2] (−0 counts as 0); rank −|w_f| = [0,3,5,1,4,2] (tie −0.25 at 1, 4).
    expect(score('small_init_small_final')).toEqual([0, 3, 4, 0, 4, 2]);
  });

  it('rank criteria give every alive weight an integer score in 0..alive−1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -4, max: 4 }), fc.boolean()), { minLength: 1, maxLength: 80 }),
        (rows) => {
          const a = f32(rows.map((r) => r[0] / 4));
          const b = f32(rows.map((r) => r[1] / 4));
          const alive = u8(rows.map((r) => (r[2] ? 1 : 0)));
          const m = alive.reduce((s, v) => s + v, 0);
          for (const id of ['large_init_large_final', 'small_init_small_final'] as const) {
            const s = CRITERIA[id].score({ wi: a, wf: b, alive });
            for (let j = 0; j < s.length; j++) {
              if (alive[j]) {
                expect(Number.isInteger(s[j])).toBe(true);
                expect(s[j]).toBeGreaterThanOrEqual(0);
                expect(s[j]).toBeLessThan(m);
              } else expect(s[j]).toBe(Infinity);
            }
          }
        },
      ),
    );
  });

  it('large_init_large_final on distinct magnitudes cuts both rankings at one level (property)', () => {
    // For any cut c, the weights scoring < c are exactly those below rank c in |w_i| or in |w_f|.
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 40 })
          .chain((m) => fc.tuple(fc.constant(m), fc.shuffledSubarray(m, { minLength: m.length, maxLength: m.length }))),
        ([mags, perm]) => {
        const n = mags.length;
        const a = f32(mags.map((m, j) => (j % 2 ? -m : m) / 1024));
        const b = f32(perm.map((m) => m / 1024));
        const s = CRITERIA.large_init_large_final.score({ wi: a, wf: b, alive: new Uint8Array(n).fill(1) });
        const rank = (v: Float32Array, j: number) => Array.from(v).filter((x) => Math.abs(x) < Math.abs(v[j])).length;
        for (let c = 0; c <= n; c++) {
          for (let j = 0; j < n; j++) expect(s[j] < c).toBe(rank(a, j) < c || rank(b, j) < c);
        }
        },
      ),
    );
  });
});
