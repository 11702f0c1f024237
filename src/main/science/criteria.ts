// Mask criteria (SCIENCE.md §2): each gives every weight of a layer a score; prune.ts removes the
// lowest-scoring alive weights. Adding a criterion: add its id to CRITERION_IDS in src/common/spec.ts and
// an entry here (the UI and CLI list what this registry holds).
import type { CriterionId } from '../../common/spec';
import { stableRanksF32 } from './order';

/** Inputs of a criterion for one layer (flat kernels, same length). */
export interface CriterionContext {
  /** w_i: the weights the round just finished started from (w_start). */
  wi: Float32Array;
  /** w_f: the weights at the end of that round's training. */
  wf: Float32Array;
  /** Current mask, nonzero = alive. Only the rank criteria look at it. */
  alive: Uint8Array;
}

export interface Criterion {
  id: CriterionId;
  label: string;
  /** One line for the UI and the CLI. */
  description: string;
  /** One score per weight; the lowest scores among alive weights are pruned. */
  score(ctx: CriterionContext): Float64Array;
}

/** sign(x) as numpy computes it: −1, 0 or +1 (and 0 for −0 and NaN). */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

function checkSizes({ wi, wf, alive }: CriterionContext): number {
  if (wi.length !== wf.length || wi.length !== alive.length) {
    throw new RangeError(`criterion inputs differ in size: wi ${wi.length}, wf ${wf.length}, alive ${alive.length}`);
  }
  return wi.length;
}

/** A criterion whose score of weight j depends on (w_i[j], w_f[j]) only. */
function elementwise(f: (wi: number, wf: number) => number): (ctx: CriterionContext) => Float64Array {
  return (ctx) => {
    const n = checkSizes(ctx);
    const { wi, wf } = ctx;
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = f(wi[j], wf[j]);
    return out;
  };
}

/**
 * min(rank of key(w_i), rank of key(w_f)) among the alive weights, rank 0 = smallest key.
 * Ties: equal keys get distinct consecutive ranks, the lower index first (stable by index), so each
 * ranking is a permutation of 0..alive−1 and pruning the `count` lowest cuts both rankings at one
 * shared level. Dead weights score +Infinity (they are never candidates anyway).
 */
function minRank(key: (w: number) => number): (ctx: CriterionContext) => Float64Array {
  return (ctx) => {
    const n = checkSizes(ctx);
    const { wi, wf, alive } = ctx;
    let m = 0;
    for (let j = 0; j < n; j++) if (alive[j]) m++;
    const ki = new Float32Array(m);
    const kf = new Float32Array(m);
    for (let j = 0, a = 0; j < n; j++) {
      if (!alive[j]) continue;
      ki[a] = key(wi[j]);
      kf[a] = key(wf[j]);
      a++;
    }
    const ri = stableRanksF32(ki);
    const rf = stableRanksF32(kf);
    const out = new Float64Array(n);
    for (let j = 0, a = 0; j < n; j++) {
      if (!alive[j]) {
        out[j] = Infinity;
        continue;
      }
      out[j] = Math.min(ri[a], rf[a]);
      a++;
    }
    return out;
  };
}

const abs = Math.abs;

export const CRITERIA: Record<CriterionId, Criterion> = {
  large_final: {
    id: 'large_final',
    label: 'Large final',
    description: 'Keep weights with large |w_f| (the original lottery-ticket criterion).',
    score: elementwise((_wi, wf) => abs(wf)),
  },
  small_final: {
    id: 'small_final',
    label: 'Small final',
    description: 'Keep weights with small |w_f| (control).',
    score: elementwise((_wi, wf) => -abs(wf)),
  },
  large_init: {
    id: 'large_init',
    label: 'Large init',
    description: 'Keep weights with large |w_i|, ignoring training.',
    score: elementwise((wi) => abs(wi)),
  },
  small_init: {
    id: 'small_init',
    label: 'Small init',
    description: 'Keep weights with small |w_i| (control).',
    score: elementwise((wi) => -abs(wi)),
  },
  large_init_large_final: {
    id: 'large_init_large_final',
    label: 'Large init, large final',
    description: 'Keep weights large in both |w_i| and |w_f|: min of the two magnitude ranks.',
    score: minRank((w) => abs(w)),
  },
  small_init_small_final: {
    id: 'small_init_small_final',
    label: 'Small init, small final',
    description: 'Keep weights small in both |w_i| and |w_f|: min of the two ranks of −|w| (control).',
    score: minRank((w) => -abs(w)),
  },
  magnitude_increase: {
    id: 'magnitude_increase',
    label: 'Magnitude increase',
    description: 'Keep weights whose magnitude grew most in training: |w_f| − |w_i|.',
    score: elementwise((wi, wf) => abs(wf) - abs(wi)),
  },
  movement: {
    id: 'movement',
    label: 'Movement',
    description: 'Keep weights that moved most in training: |w_f − w_i|.',
    score: elementwise((wi, wf) => abs(wf - wi)),
  },
  random: {
    id: 'random',
    label: 'Random',
    description: 'A random mask: every weight scores the same and the seeded tie-break decides.',
    score: elementwise(() => 0),
  },
  large_final_same_sign: {
    id: 'large_final_same_sign',
    label: 'Large final, same sign',
    description: 'Keep weights with large |w_f| that kept the sign of w_i; sign-flipped weights go first.',
    score: elementwise((wi, wf) => (sign(wi) === sign(wf) ? abs(wf) : 0)),
  },
  large_final_diff_sign: {
    id: 'large_final_diff_sign',
    label: 'Large final, different sign',
    description: 'Keep weights with large |w_f| whose sign flipped in training (control).',
    score: elementwise((wi, wf) => (sign(wi) !== sign(wf) ? abs(wf) : 0)),
  },
};
