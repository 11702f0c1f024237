// Mask-1 and mask-0 actions (SCIENCE.md §2): what kept and pruned weights are in the next round.
// Adding an action: add its id to MASK1_IDS / MASK0_IDS in src/common/spec.ts and an entry here.
import type { Mask0Id, Mask1Id } from '../../common/spec';
import { sign } from './criteria';
import { permutation, shuffleInPlace, type Rng } from './rng';

// ---------------------------------------------------------------------------------------------------
// Mask-1: values of the kept weights, always computed from w_0 and the new mask.

export interface Mask1Context {
  /** The layer's original draw w_0 (flat kernel). */
  w0: Float32Array;
  /** The new mask (nonzero = kept). */
  mask: Uint8Array;
  /** stream(seed, 'mask1', round, layer); the deterministic actions draw nothing from it. */
  rng: Rng;
}

export interface Mask1Action {
  id: Mask1Id;
  label: string;
  description: string;
  /** Full-layer array: the next-round value of every kept weight; 0 at pruned positions. */
  apply(ctx: Mask1Context): Float32Array;
}

/** Population standard deviation (divides by n, like numpy's np.std) of a layer's weights. */
export function layerStd(w: Float32Array): number {
  const n = w.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = w[i] - mean;
    sq += d * d;
  }
  return Math.sqrt(sq / n);
}

function checkMask1({ w0, mask }: Mask1Context): number {
  if (w0.length !== mask.length) throw new RangeError(`w0 (${w0.length}) and mask (${mask.length}) differ in size`);
  return w0.length;
}

/** out[j] = value(j) where the mask keeps j, 0 elsewhere. */
function fillKept(mask: Uint8Array, value: (j: number) => number): Float32Array {
  const out = new Float32Array(mask.length);
  for (let j = 0; j < mask.length; j++) if (mask[j]) out[j] = value(j);
  return out;
}

/** The layer's w_0 shuffled over the whole layer (one permutation of all n positions from `rng`). */
function reinitValues(ctx: Mask1Context): Float32Array {
  const n = checkMask1(ctx);
  const perm = permutation(n, ctx.rng);
  const shuffled = new Float32Array(n);
  for (let j = 0; j < n; j++) shuffled[j] = ctx.w0[perm[j]];
  return shuffled;
}

/** The kept positions' w_0 values, shuffled among the kept positions (pruned positions 0). */
function reshuffleValues(ctx: Mask1Context): Float32Array {
  checkMask1(ctx);
  const { w0, mask, rng } = ctx;
  let m = 0;
  for (let j = 0; j < mask.length; j++) if (mask[j]) m++;
  const keptIdx = new Int32Array(m);
  for (let j = 0, k = 0; j < mask.length; j++) if (mask[j]) keptIdx[k++] = j;
  const values = new Float32Array(keptIdx.length);
  for (let k = 0; k < keptIdx.length; k++) values[k] = w0[keptIdx[k]];
  shuffleInPlace(values, rng);
  const out = new Float32Array(mask.length);
  for (let k = 0; k < keptIdx.length; k++) out[keptIdx[k]] = values[k];
  return out;
}

export const MASK1: Record<Mask1Id, Mask1Action> = {
  rewind: {
    id: 'rewind',
    label: 'Rewind',
    description: 'Kept weights go back to their original values w_0 (the lottery-ticket default).',
    apply: (ctx) => {
      checkMask1(ctx);
      return fillKept(ctx.mask, (j) => ctx.w0[j]);
    },
  },
  reinit: {
    id: 'reinit',
    label: 'Reinit',
    description: "New values: the layer's w_0 shuffled over the whole layer.",
    apply: (ctx) => {
      const v = reinitValues(ctx);
      return fillKept(ctx.mask, (j) => v[j]);
    },
  },
  reshuffle: {
    id: 'reshuffle',
    label: 'Reshuffle',
    description: "The kept weights' w_0 values, shuffled among the kept positions.",
    apply: reshuffleValues,
  },
  constant: {
    id: 'constant',
    label: 'Constant',
    description: "± std of the layer's w_0, random signs in the same proportion as w_0's signs.",
    apply: (ctx) => {
      const n = checkMask1(ctx);
      const s = layerStd(ctx.w0);
      // The signs of w_0 shuffled over the whole layer: exactly w_0's proportion of +, − (and 0).
      const signs = new Int8Array(n);
      for (let j = 0; j < n; j++) signs[j] = sign(ctx.w0[j]);
      shuffleInPlace(signs, ctx.rng);
      return fillKept(ctx.mask, (j) => s * signs[j]);
    },
  },
  reinit_sign: {
    id: 'reinit_sign',
    label: 'Reinit, original sign',
    description: '|reinit value| with the sign of w_0 at that position.',
    apply: (ctx) => {
      const v = reinitValues(ctx);
      return fillKept(ctx.mask, (j) => Math.abs(v[j]) * sign(ctx.w0[j]));
    },
  },
  reshuffle_sign: {
    id: 'reshuffle_sign',
    label: 'Reshuffle, original sign',
    description: '|reshuffled value| with the sign of w_0 at that position.',
    apply: (ctx) => {
      const v = reshuffleValues(ctx);
      return fillKept(ctx.mask, (j) => Math.abs(v[j]) * sign(ctx.w0[j]));
    },
  },
  constant_sign: {
    id: 'constant_sign',
    label: 'Signed constant',
    description: "sign(w_0) × std of the layer's w_0.",
    apply: (ctx) => {
      checkMask1(ctx);
      const s = layerStd(ctx.w0);
      return fillKept(ctx.mask, (j) => s * sign(ctx.w0[j]));
    },
  },
};

// ---------------------------------------------------------------------------------------------------
// Mask-0: what pruned weights are during the next round, and which positions train.

export interface Mask0Context {
  /** w_i = w_start of the round just finished. */
  wi: Float32Array;
  /** w_f = the weights at the end of that round. */
  wf: Float32Array;
  /** The new mask (nonzero = kept). */
  mask: Uint8Array;
  /** The mask-1 output: next-round values of the kept weights. */
  kept: Float32Array;
}

export interface Mask0Result {
  /** Next round's starting value of every position. */
  wStart: Float32Array;
  /** 1 where the weight trains next round, 0 where it is frozen at its wStart value. */
  trainable: Uint8Array;
}

export interface Mask0Action {
  id: Mask0Id;
  label: string;
  description: string;
  apply(ctx: Mask0Context): Mask0Result;
}

function checkMask0({ wi, wf, mask, kept }: Mask0Context): number {
  const n = mask.length;
  if (wi.length !== n || wf.length !== n || kept.length !== n) {
    throw new RangeError(`mask-0 inputs differ in size: wi ${wi.length}, wf ${wf.length}, mask ${n}, kept ${kept.length}`);
  }
  return n;
}

/** |w_f| < |w_i|: the weight's magnitude decreased during the round (equal is not a decrease). */
function decreased(ctx: Mask0Context, j: number): boolean {
  return Math.abs(ctx.wf[j]) < Math.abs(ctx.wi[j]);
}

/**
 * Kept positions train from `keptValue(j)` (default: the mask-1 value), pruned positions are frozen at
 * `prunedValue(j)`.
 */
function mask0(
  ctx: Mask0Context,
  prunedValue: (j: number) => number,
  keptValue: (j: number) => number = (j) => ctx.kept[j],
): Mask0Result {
  const n = checkMask0(ctx);
  const wStart = new Float32Array(n);
  const trainable = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    if (ctx.mask[j]) {
      wStart[j] = keptValue(j);
      trainable[j] = 1;
    } else {
      wStart[j] = prunedValue(j);
    }
  }
  return { wStart, trainable };
}

export const MASK0: Record<Mask0Id, Mask0Action> = {
  zero: {
    id: 'zero',
    label: 'Zero',
    description: 'Pruned weights are 0 and frozen (the lottery-ticket default).',
    apply: (ctx) => mask0(ctx, () => 0),
  },
  init: {
    id: 'init',
    label: 'Init',
    description: 'Pruned weights are frozen at w_i.',
    apply: (ctx) => mask0(ctx, (j) => ctx.wi[j]),
  },
  zero_if_decreased: {
    id: 'zero_if_decreased',
    label: 'Zero if decreased',
    description: 'Pruned weights frozen at 0 if |w_f| < |w_i|, else at w_i.',
    apply: (ctx) => mask0(ctx, (j) => (decreased(ctx, j) ? 0 : ctx.wi[j])),
  },
  zero_if_decreased_all: {
    id: 'zero_if_decreased_all',
    label: 'Zero if decreased (all)',
    description: 'As zero-if-decreased, and kept weights with |w_f| < |w_i| start from 0 (and train).',
    apply: (ctx) =>
      mask0(
        ctx,
        (j) => (decreased(ctx, j) ? 0 : ctx.wi[j]),
        (j) => (decreased(ctx, j) ? 0 : ctx.kept[j]),
      ),
  },
};
