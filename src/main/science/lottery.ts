// One lottery-ticket step for a whole net (SCIENCE.md §2, steps 2–4): score, prune, and set the next
// round's starting weights. Pure: the trainer supplies the tensors and stores the result.
import type { LayerKind, NetDef } from '../../common/nets';
import { kernelSize } from '../../common/nets';
import type { CriterionId, Mask0Id, Mask1Id } from '../../common/spec';
import { MASK0, MASK1 } from './actions';
import { CRITERIA } from './criteria';
import { aliveSchedule, countAlive, pruneCount, pruneLayer, pruneLayerToCount, rateFor, type PruneRates } from './prune';
import { stream } from './rng';

/** One maskable layer at the end of a round (flat kernels, all the same length). */
export interface LayerState {
  name: string;
  kind: LayerKind;
  /** The original draw (never changes). */
  w0: Float32Array;
  /** w_start of the round just finished. */
  wi: Float32Array;
  /** Weights at the end of that round. */
  wf: Float32Array;
  /** Mask the round trained with (nonzero = alive). */
  mask: Uint8Array;
}

export interface LotteryOptions {
  seed: number;
  /**
   * The round just finished (round 0 = the dense training). Seeds the tie-break and mask-1 streams.
   * One-shot level k: pass round = k − 1, so level 1 reproduces iterative round 1 exactly.
   */
  round: number;
  rates: PruneRates;
  criterion: CriterionId;
  mask1: Mask1Id;
  mask0: Mask0Id;
  /** One-shot mode: prune each layer straight to these alive counts (see oneShotTargets) instead of by rate. */
  targetAlive?: number[];
}

export interface NextRound {
  /** The new masks. */
  masks: Uint8Array[];
  /** Starting weights of the next round, every position. */
  wStart: Float32Array[];
  /** 1 = trains next round, 0 = frozen at its wStart value. */
  trainable: Uint8Array[];
  /** Weights pruned from each layer in this step. */
  removed: number[];
  /** Weights alive in each layer after this step. */
  alive: number[];
}

function checkLayer(layer: LayerState): void {
  const n = layer.mask.length;
  for (const [what, arr] of [
    ['w0', layer.w0],
    ['wi', layer.wi],
    ['wf', layer.wf],
  ] as const) {
    if (arr.length !== n) throw new RangeError(`layer ${layer.name}: ${what} has ${arr.length} values, mask has ${n}`);
  }
}

/**
 * Per layer l: scores = criterion(w_i, w_f, mask); prune with tie-breaks from
 * stream(seed, 'tie_break', round, l); kept values = mask-1 action on w_0 with stream(seed, 'mask1',
 * round, l); starting weights and trainable flags = mask-0 action.
 */
export function lotteryStep(layers: readonly LayerState[], opts: LotteryOptions): NextRound {
  if (opts.targetAlive && opts.targetAlive.length !== layers.length) {
    throw new RangeError(`targetAlive has ${opts.targetAlive.length} entries for ${layers.length} layers`);
  }
  const criterion = CRITERIA[opts.criterion];
  const mask1 = MASK1[opts.mask1];
  const mask0 = MASK0[opts.mask0];
  if (!criterion || !mask1 || !mask0) throw new RangeError(`unknown criterion or action: ${opts.criterion}/${opts.mask1}/${opts.mask0}`);

  const out: NextRound = { masks: [], wStart: [], trainable: [], removed: [], alive: [] };
  layers.forEach((layer, l) => {
    checkLayer(layer);
    const before = countAlive(layer.mask);
    const scores = criterion.score({ wi: layer.wi, wf: layer.wf, alive: layer.mask });
    const tieBreak = stream(opts.seed, 'tie_break', opts.round, l);
    const mask = opts.targetAlive
      ? pruneLayerToCount(scores, layer.mask, opts.targetAlive[l], tieBreak)
      : pruneLayer(scores, layer.mask, pruneCount(before, rateFor(layer.kind, opts.rates)), tieBreak);
    const kept = mask1.apply({ w0: layer.w0, mask, rng: stream(opts.seed, 'mask1', opts.round, l) });
    const { wStart, trainable } = mask0.apply({ wi: layer.wi, wf: layer.wf, mask, kept });
    const after = countAlive(mask);
    out.masks.push(mask);
    out.wStart.push(wStart);
    out.trainable.push(trainable);
    out.removed.push(before - after);
    out.alive.push(after);
  });
  return out;
}

/**
 * Alive counts per layer for one-shot level k (k = 0 is the dense net): the iterative schedule's counts
 * after k rounds, so both modes reach identical % remaining.
 */
export function oneShotTargets(net: NetDef, rates: PruneRates, level: number): number[] {
  return net.layers.map((layer) => aliveSchedule(kernelSize(layer), rateFor(layer.kind, rates), level)[level]);
}

/** % of the net's kernel weights remaining after each of rounds 0..rounds of iterative pruning. */
export function percentRemainingSchedule(net: NetDef, rates: PruneRates, rounds: number): number[] {
  const schedules = net.layers.map((layer) => aliveSchedule(kernelSize(layer), rateFor(layer.kind, rates), rounds));
  const total = net.layers.reduce((s, layer) => s + kernelSize(layer), 0);
  const out: number[] = [];
  for (let k = 0; k <= rounds; k++) out.push((100 * schedules.reduce((s, a) => s + a[k], 0)) / total);
  return out;
}
