import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NETS, kernelSize } from '../../../src/common/nets';
import { CRITERIA } from '../../../src/main/science/criteria';
import {
  aliveSchedule,
  countAlive,
  percentRemaining,
  pruneCount,
  pruneLayer,
  pruneLayerToCount,
  rateFor,
} from '../../../src/main/science/prune';
import { stream } from '../../../src/main/science/rng';
import { list, NO_DRAWS, u8 } from './helpers';

const tieRng = (seed = 0) => stream(seed, 'tie_break', 0, 0);
const FC_RATES = { conv: 0.1, dense: 0.2, output: 0.1 };

describe('pruneCount and schedules', () => {
  it('is floor(alive × rate)', () => {
    expect(pruneCount(235_200, 0.2)).toBe(47_040);
    expect(pruneCount(1000, 0.1)).toBe(100);
    expect(pruneCount(9, 0.2)).toBe(1); // 1.8 → 1
    expect(pruneCount(4, 0.2)).toBe(0); // 0.8 → 0
    expect(pruneCount(0, 0.5)).toBe(0);
    expect(pruneCount(7, 0)).toBe(0);
  });

  it('counts on the decimals, not on binary rounding (0.29 × 100 is 28.999… in doubles)', () => {
    expect(100 * 0.29).toBeLessThan(29);
    expect(pruneCount(100, 0.29)).toBe(29);
    expect(pruneCount(1000, 0.57)).toBe(570);
    expect(pruneCount(3, 0.3333333)).toBe(0); // 0.9999999 stays below 1
  });

  it('rejects nonsense', () => {
    expect(() => pruneCount(1.5, 0.2)).toThrow(RangeError);
    expect(() => pruneCount(10, 1.5)).toThrow(RangeError);
    expect(() => pruneCount(10, NaN)).toThrow(RangeError);
  });

  it('aliveSchedule is a_{k+1} = a_k − floor(a_k · rate), starting from n', () => {
    expect(aliveSchedule(30_000, 0.2, 3)).toEqual([30_000, 24_000, 19_200, 15_360]);
    expect(aliveSchedule(1000, 0.1, 3)).toEqual([1000, 900, 810, 729]);
    expect(aliveSchedule(10, 0.15, 4)).toEqual([10, 9, 8, 7, 6]);
    expect(aliveSchedule(5, 0.2, 0)).toEqual([5]);
  });

  it('FC at 20% (hidden) and 10% (output) keeps 80.0, 64.1, 51.3, 41.1, 32.9, 26.3, 21.1 % after rounds 1–7', () => {
    const net = NETS.fc;
    const schedules = net.layers.map((l) => aliveSchedule(kernelSize(l), rateFor(l.kind, FC_RATES), 7));
    const total = net.layers.reduce((s, l) => s + kernelSize(l), 0);
    const pct = [1, 2, 3, 4, 5, 6, 7].map((k) => ((100 * schedules.reduce((s, a) => s + a[k], 0)) / total).toFixed(1));
    expect(pct).toEqual(['80.0', '64.1', '51.3', '41.1', '32.9', '26.3', '21.1']);
  });

  it('percentRemaining counts kept kernel weights over the whole net', () => {
    expect(percentRemaining([u8([1, 1, 0, 0]), u8([1, 0, 0, 0, 0, 0])])).toBe(30);
    expect(percentRemaining([u8([1, 1])])).toBe(100);
    expect(percentRemaining([])).toBe(100);
    expect(countAlive(u8([0, 2, 1, 0]))).toBe(2);
  });
});

describe('pruneLayer on hand-made scores', () => {
  it('removes the lowest scores among alive weights', () => {
    expect(list(pruneLayer([0.3, 0.1, 0.2, 0.4, 0.5], u8([1, 1, 1, 1, 1]), 2, NO_DRAWS))).toEqual([1, 0, 0, 1, 1]);
  });

  it('leaves already-pruned weights pruned and never counts them', () => {
    // The dead weight 0 has the lowest score; the 2 removed come from the alive ones.
    expect(list(pruneLayer([-5, 3, 1, 2, 4], u8([0, 1, 1, 1, 1]), 2, NO_DRAWS))).toEqual([0, 1, 0, 0, 1]);
    expect(list(pruneLayer([9, 9, 1], u8([0, 0, 1]), 0, NO_DRAWS))).toEqual([0, 0, 1]);
  });

  it('does not draw tie-break keys when a tied group falls entirely on one side of the cut', () => {
    expect(list(pruneLayer([0.1, 0.3, 0.1, 0.3, 0.3], u8([1, 1, 1, 1, 1]), 2, NO_DRAWS))).toEqual([0, 1, 0, 1, 1]);
    expect(list(pruneLayer([7, 7, 7], u8([1, 1, 1]), 3, NO_DRAWS))).toEqual([0, 0, 0]);
  });

  it('breaks ties straddling the cut by one seeded key per weight position, drawn in index order', () => {
    const scores = [0, 0.5, 0, 0, 0.5, 1, 0];
    const alive = u8([1, 1, 1, 0, 1, 1, 1]);
    // Alive zeros at 0, 2, 6 (3 is dead); prune 4 = the three zeros + one of the two 0.5s (1 or 4).
    const keys = Array.from({ length: 7 }, ((r) => () => r.float())(tieRng(42)));
    const loser = keys[1] < keys[4] ? 1 : 4;
    const expected = [0, 1, 0, 0, 1, 1, 0];
    expected[loser] = 0;
    expect(list(pruneLayer(scores, alive, 4, tieRng(42)))).toEqual(expected);
  });

  it('pins the tie-broken mask of a small all-tied layer (regression)', () => {
    const m = pruneLayer(new Float64Array(10), new Uint8Array(10).fill(1), 4, stream(1, 'tie_break', 3, 2));
    expect(list(m)).toEqual(PINNED_TIE_MASK);
  });

  it('treats NaN scores as lowest and −0 equal to +0', () => {
    expect(list(pruneLayer([1, NaN, 2], u8([1, 1, 1]), 1, NO_DRAWS))).toEqual([1, 0, 1]);
    expect(list(pruneLayer([-0, 0, 1], u8([1, 1, 1]), 2, NO_DRAWS))).toEqual([0, 0, 1]);
  });

  it('validates its inputs', () => {
    expect(() => pruneLayer([1, 2], u8([1, 1, 1]), 1, NO_DRAWS)).toThrow(RangeError);
    expect(() => pruneLayer([1, 2, 3], u8([1, 0, 1]), 3, NO_DRAWS)).toThrow(RangeError);
    expect(() => pruneLayer([1, 2, 3], u8([1, 0, 1]), -1, NO_DRAWS)).toThrow(RangeError);
    expect(() => pruneLayerToCount([1, 2, 3], u8([1, 0, 1]), 3, NO_DRAWS)).toThrow(RangeError);
  });

  it('pruneLayerToCount prunes down to an exact alive count', () => {
    expect(list(pruneLayerToCount([4, 3, 2, 1], u8([1, 1, 1, 1]), 1, NO_DRAWS))).toEqual([1, 0, 0, 0]);
    expect(list(pruneLayerToCount([4, 3, 2, 1], u8([1, 1, 1, 0]), 3, NO_DRAWS))).toEqual([1, 1, 1, 0]);
  });
});

// Tied-score layers (small integer scores) with random alive masks exercise the tie-break path.
const layerArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.boolean()), { minLength: 1, maxLength: 120 });

describe('pruneLayer properties', () => {
  it('prunes exactly floor(alive·rate), only alive weights, and only the lowest scores', () => {
    fc.assert(
      fc.property(layerArb, fc.double({ min: 0, max: 0.99, noNaN: true }), fc.nat(1000), (rows, rate, seed) => {
        const scores = rows.map((r) => r[0]);
        const alive = u8(rows.map((r) => (r[1] ? 1 : 0)));
        const before = countAlive(alive);
        const next = pruneLayer(scores, alive, pruneCount(before, rate), tieRng(seed));
        expect(countAlive(next)).toBe(before - pruneCount(before, rate));
        let maxRemoved = -Infinity;
        let minKept = Infinity;
        for (let j = 0; j < rows.length; j++) {
          if (!alive[j]) expect(next[j]).toBe(0); // pruned stay pruned
          else if (next[j]) minKept = Math.min(minKept, scores[j]);
          else maxRemoved = Math.max(maxRemoved, scores[j]);
        }
        expect(maxRemoved).toBeLessThanOrEqual(minKept);
      }),
    );
  });

  it('is deterministic for a seed', () => {
    fc.assert(
      fc.property(layerArb, fc.nat(1000), (rows, seed) => {
        const scores = rows.map((r) => r[0]);
        const alive = u8(rows.map((r) => (r[1] ? 1 : 0)));
        const count = Math.floor(countAlive(alive) / 2);
        expect(pruneLayer(scores, alive, count, tieRng(seed))).toEqual(pruneLayer(scores, alive, count, tieRng(seed)));
      }),
    );
  });

  it('gives different random masks for different seeds, with equal counts', () => {
    const scores = CRITERIA.random.score({ wi: new Float32Array(1000), wf: new Float32Array(1000), alive: new Uint8Array(1000).fill(1) });
    const alive = new Uint8Array(1000).fill(1);
    const masks = [0, 1, 2].map((s) => pruneLayer(scores, alive, 500, tieRng(s)));
    expect(masks[0]).not.toEqual(masks[1]);
    expect(masks[1]).not.toEqual(masks[2]);
    for (const m of masks) expect(countAlive(m)).toBe(500);
  });

  it('a random mask is uniform over positions (no index bias)', () => {
    const n = 200;
    const alive = new Uint8Array(n).fill(1);
    const keptFirstHalf: number[] = [];
    for (let s = 0; s < 50; s++) {
      const m = pruneLayer(new Float64Array(n), alive, 100, tieRng(s));
      keptFirstHalf.push(countAlive(m.subarray(0, 100)));
    }
    const mean = keptFirstHalf.reduce((a, b) => a + b, 0) / keptFirstHalf.length;
    expect(mean).toBeGreaterThan(45); // expected 50; std of the mean ≈ 0.5
    expect(mean).toBeLessThan(55);
  });
});

describe('pruneLayer at Conv2 dense1 size (4.2M weights)', () => {
  it('runs in reasonable time for a magnitude criterion and for an all-tied (random) criterion', () => {
    const n = kernelSize(NETS.conv2.layers.find((l) => l.name === 'dense1')!);
    expect(n).toBe(4_194_304);
    const wf = new Float32Array(n);
    for (let j = 0; j < n; j++) wf[j] = Math.sin(j * 12.9898) * 0.05; // cheap deterministic values
    const alive = new Uint8Array(n).fill(1);
    const count = pruneCount(n, 0.2);
    for (const id of ['large_final', 'random'] as const) {
      const t0 = performance.now();
      const scores = CRITERIA[id].score({ wi: wf, wf, alive });
      const t1 = performance.now();
      const mask = pruneLayer(scores, alive, count, tieRng(1));
      const t2 = performance.now();
      expect(countAlive(mask)).toBe(n - count);
      console.log(`${id}: score ${(t1 - t0).toFixed(0)} ms, prune ${(t2 - t1).toFixed(0)} ms on ${n} weights`);
    }
  });
});

const PINNED_TIE_MASK = [1, 0, 0, 1, 0, 1, 1, 0, 1, 1];
