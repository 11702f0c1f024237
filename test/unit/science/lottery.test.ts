import { describe, expect, it } from 'vitest';
import { NETS, kernelSize } from '../../../src/common/nets';
import { MASK1 } from '../../../src/main/science/actions';
import { initNet } from '../../../src/main/science/init';
import { lotteryStep, oneShotTargets, percentRemainingSchedule, type LayerState } from '../../../src/main/science/lottery';
import { aliveSchedule, countAlive, percentRemaining, pruneLayer } from '../../../src/main/science/prune';
import { stream } from '../../../src/main/science/rng';
import { f32, list, sameValues, u8 } from './helpers';

const RATES = { conv: 0.1, dense: 0.5, output: 0.25 };
const FC_RATES = { conv: 0.1, dense: 0.2, output: 0.1 };
const LT = { criterion: 'large_final', mask1: 'rewind', mask0: 'zero' } as const;

function layer(name: string, kind: LayerState['kind'], w0: number[], wf: number[], mask?: number[]): LayerState {
  return { name, kind, w0: f32(w0), wi: f32(w0), wf: f32(wf), mask: u8(mask ?? w0.map(() => 1)) };
}

describe('lotteryStep on a hand-made two-layer net', () => {
  const layers = [
    layer('dense1', 'dense', [0.5, -0.25, 0.125, -0.75], [0.25, -0.5, 0.125, 1]),
    layer('output', 'output', [0.125, 0.25, 0.375, 0.5, 0.625], [0.5, -0.125, 0.375, 9, 0.25], [1, 1, 1, 0, 1]),
  ];

  it('prunes floor(alive × rate) per layer by its kind, lowest |w_f| first, and rewinds', () => {
    const next = lotteryStep(layers, { seed: 3, round: 0, rates: RATES, ...LT });
    // dense1: rate 0.5 of 4 → 2 go: |w_f| 0.125 (2) and 0.25 (0).
    expect(list(next.masks[0])).toEqual([0, 1, 0, 1]);
    expect(list(next.wStart[0])).toEqual([0, -0.25, 0, -0.75]);
    expect(list(next.trainable[0])).toEqual([0, 1, 0, 1]);
    // output: rate 0.25 of 4 alive → 1 goes: |w_f| 0.125 (1); weight 3 (|w_f| = 9) was already pruned.
    expect(list(next.masks[1])).toEqual([1, 0, 1, 0, 1]);
    expect(list(next.wStart[1])).toEqual([0.125, 0, 0.375, 0, 0.625]);
    expect(next.removed).toEqual([2, 1]);
    expect(next.alive).toEqual([2, 3]);
  });

  it('passes w_i, w_f and the new mask to the actions (zero_if_decreased_all + init-like values)', () => {
    const next = lotteryStep(layers, { seed: 3, round: 0, rates: RATES, criterion: 'large_final', mask1: 'rewind', mask0: 'zero_if_decreased_all' });
    // dense1: pruned 0 (|0.25| < |0.5| → 0), pruned 2 (equal → w_i 0.125); kept 1 grew → w_0; kept 3 grew → w_0.
    expect(list(next.wStart[0])).toEqual([0, -0.25, 0.125, -0.75]);
    // output: pruned 1 (|−0.125| < |0.25| → 0), pruned 3 (grew → w_i 0.5); kept 4 shrank (0.25 < 0.625) → 0.
    expect(list(next.wStart[1])).toEqual([0.125, 0, 0.375, 0.5, 0]);
    expect(list(next.trainable[1])).toEqual([1, 0, 1, 0, 1]);
  });

  it('validates sizes and options', () => {
    const bad = [{ ...layers[0], wf: f32([1]) }];
    expect(() => lotteryStep(bad, { seed: 0, round: 0, rates: RATES, ...LT })).toThrow(/dense1/);
    expect(() => lotteryStep(layers, { seed: 0, round: 0, rates: RATES, ...LT, targetAlive: [1] })).toThrow(RangeError);
  });
});

describe('random streams of lotteryStep', () => {
  const n = 200;
  const w0 = initNet(NETS.fc, 5).kernels[2].slice(0, n);
  const twin = (name: string): LayerState => ({ name, kind: 'dense', w0, wi: w0, wf: w0, mask: new Uint8Array(n).fill(1) });
  const opts = { seed: 9, round: 2, rates: FC_RATES, criterion: 'random', mask1: 'reshuffle', mask0: 'zero' } as const;

  it('tie-breaks use stream(seed, tie_break, round, layer) and mask-1 stream(seed, mask1, round, layer)', () => {
    const next = lotteryStep([twin('a'), twin('b')], opts);
    for (const l of [0, 1]) {
      const mask = pruneLayer(new Float64Array(n), new Uint8Array(n).fill(1), 40, stream(9, 'tie_break', 2, l));
      expect(next.masks[l]).toEqual(mask);
      expect(next.wStart[l]).toEqual(MASK1.reshuffle.apply({ w0, mask, rng: stream(9, 'mask1', 2, l) }));
    }
    // Identical layers at different indices get different random masks.
    expect(next.masks[0]).not.toEqual(next.masks[1]);
  });

  it('is deterministic for (seed, round) and changes with either', () => {
    const a = lotteryStep([twin('a')], opts);
    expect(lotteryStep([twin('a')], opts)).toEqual(a);
    expect(lotteryStep([twin('a')], { ...opts, seed: 10 }).masks[0]).not.toEqual(a.masks[0]);
    expect(lotteryStep([twin('a')], { ...opts, round: 3 }).masks[0]).not.toEqual(a.masks[0]);
  });
});

/** A stand-in for training: trainable weights move by a deterministic amount, frozen ones stay. */
function fakeTrain(wStart: Float32Array, trainable: Uint8Array, round: number): Float32Array {
  return wStart.map((w, j) => (trainable[j] ? w + Math.sin(j * 0.7 + round) * 0.02 : w));
}

describe('iterative pruning of FC', () => {
  it('reaches 80.0, 64.1, 51.3, 41.1, 32.9, 26.3, 21.1 % with nested masks and zeroed pruned weights', () => {
    const net = NETS.fc;
    const w0 = initNet(net, 1).kernels;
    let masks: Uint8Array[] = w0.map((w) => new Uint8Array(w.length).fill(1));
    let wStart: Float32Array[] = w0.map((w) => w.slice());
    let trainable: Uint8Array[] = masks.map((m) => m.slice());
    const pct: string[] = [];
    for (let round = 0; round < 7; round++) {
      const wf = wStart.map((w, l) => fakeTrain(w, trainable[l], round));
      const next = lotteryStep(
        net.layers.map((l, i) => ({ name: l.name, kind: l.kind, w0: w0[i], wi: wStart[i], wf: wf[i], mask: masks[i] })),
        { seed: 1, round, rates: FC_RATES, ...LT },
      );
      next.masks.forEach((m, l) => {
        for (let j = 0; j < m.length; j++) {
          if (m[j] && !masks[l][j]) throw new Error(`layer ${l}: weight ${j} revived`);
          if (!m[j] && next.wStart[l][j] !== 0) throw new Error(`layer ${l}: pruned weight ${j} is not 0`);
          if (m[j] && next.wStart[l][j] !== w0[l][j]) throw new Error(`layer ${l}: kept weight ${j} not rewound`);
        }
      });
      masks = next.masks;
      wStart = next.wStart;
      trainable = next.trainable;
      pct.push(percentRemaining(masks).toFixed(1));
    }
    expect(pct).toEqual(['80.0', '64.1', '51.3', '41.1', '32.9', '26.3', '21.1']);
    expect(percentRemainingSchedule(net, FC_RATES, 7).map((p) => p.toFixed(1))).toEqual(['100.0', ...pct]);
  });
});

describe('one-shot pruning', () => {
  it('oneShotTargets are the iterative schedule at level k', () => {
    for (const net of [NETS.fc, NETS.conv6]) {
      const rates = { conv: 0.15, dense: 0.2, output: 0.1 };
      for (const k of [0, 1, 4]) {
        expect(oneShotTargets(net, rates, k)).toEqual(net.layers.map((l) => aliveSchedule(kernelSize(l), rates[l.kind], k)[k]));
      }
    }
    expect(oneShotTargets(NETS.fc, FC_RATES, 1)).toEqual([188_160, 24_000, 900]);
  });

  it('prunes the dense net straight to level k; level 1 (round 0) equals iterative round 1', () => {
    const net = NETS.fc;
    const w0 = initNet(net, 4).kernels;
    const ones = w0.map((w) => new Uint8Array(w.length).fill(1));
    const wfDense = w0.map((w, l) => fakeTrain(w, ones[l], 0));
    const dense = net.layers.map((l, i) => ({ name: l.name, kind: l.kind, w0: w0[i], wi: w0[i], wf: wfDense[i], mask: ones[i] }));
    const opts = { seed: 4, rates: FC_RATES, ...LT, criterion: 'magnitude_increase' } as const;

    const level3 = lotteryStep(dense, { ...opts, round: 2, targetAlive: oneShotTargets(net, FC_RATES, 3) });
    expect(level3.masks.map(countAlive)).toEqual(oneShotTargets(net, FC_RATES, 3));
    expect(percentRemaining(level3.masks).toFixed(1)).toBe('51.3');

    const level1 = lotteryStep(dense, { ...opts, round: 0, targetAlive: oneShotTargets(net, FC_RATES, 1) });
    const iterative1 = lotteryStep(dense, { ...opts, round: 0 });
    expect(level1.removed).toEqual(iterative1.removed);
    for (let l = 0; l < net.layers.length; l++) {
      expect(sameValues(level1.masks[l], iterative1.masks[l])).toBe(true);
      expect(sameValues(level1.wStart[l], iterative1.wStart[l])).toBe(true);
    }
    // …and a different level really is different.
    expect(sameValues(level3.masks[0], level1.masks[0])).toBe(false);
  });
});
