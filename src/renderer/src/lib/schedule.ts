// The pruning schedule a spec will produce, computed locally so the wizard can show it as the user types.
// Mirrors SCIENCE.md §2: per layer, iterative pruning removes floor(alive × rate) of the still-alive
// kernel weights each round. One-shot prunes every layer straight from the dense net to level k; the
// engine targets the same per-layer counts as k iterative steps (science/lottery.ts oneShotTargets),
// so both modes have the same % remaining per round and differ only in which weights survive.
// % weights remaining counts kernel weights only (biases are never pruned), over the whole net.
import { NETS, kernelSize, type LayerKind, type NetId } from '../../../common/nets';
import type { PruningMode } from '../../../common/spec';

export interface Rates {
  conv: number;
  dense: number;
  output: number;
}

export interface ScheduleLayer {
  name: string;
  kind: LayerKind;
  total: number;
}

export interface ScheduleRow {
  /** 0 = the dense net; round k trains after k pruning steps (iterative) or at level k (one-shot). */
  round: number;
  /** Kept kernel weights / all kernel weights, in percent. */
  percent: number;
  alive: number;
  total: number;
  /** Percent remaining per layer kind present in the net (e.g. no `conv` entry for FC). */
  byKind: Partial<Record<LayerKind, number>>;
}

/** The net's maskable layers (kernel sizes) from the shared net definitions. */
export function scheduleLayers(net: NetId): ScheduleLayer[] {
  return NETS[net].layers.map((l) => ({ name: l.name, kind: l.kind, total: kernelSize(l) }));
}

/**
 * Tolerance for binary rounding of alive × rate (0.15 × 100 = 15.000000000000002, but 0.3 × 10 =
 * 2.9999999999999996). The engine uses the same value (science/prune.ts), so both count alike.
 */
const COUNT_TOLERANCE = 1e-7;

/** One iterative pruning step for one layer: remove floor(alive × rate) weights. */
export function pruneStep(alive: number, rate: number): number {
  return alive - Math.floor(alive * rate + COUNT_TOLERANCE);
}

/** Rows for rounds 0 … rounds−1. */
export function pruningSchedule(layers: ScheduleLayer[], rates: Rates, rounds: number, _mode: PruningMode = 'iterative'): ScheduleRow[] {
  const rows: ScheduleRow[] = [];
  const n = Math.max(0, Math.floor(rounds));
  let alive = layers.map((l) => l.total);
  for (let round = 0; round < n; round++) {
    rows.push(summarise(layers, alive, round));
    alive = alive.map((a, i) => pruneStep(a, rates[layers[i].kind]));
  }
  return rows;
}

function summarise(layers: ScheduleLayer[], alive: number[], round: number): ScheduleRow {
  let kept = 0;
  let total = 0;
  const perKind = new Map<LayerKind, { kept: number; total: number }>();
  layers.forEach((l, i) => {
    kept += alive[i];
    total += l.total;
    const k = perKind.get(l.kind) ?? { kept: 0, total: 0 };
    k.kept += alive[i];
    k.total += l.total;
    perKind.set(l.kind, k);
  });
  const byKind: Partial<Record<LayerKind, number>> = {};
  for (const [kind, v] of perKind) byKind[kind] = (100 * v.kept) / v.total;
  return { round, percent: total ? (100 * kept) / total : 100, alive: kept, total, byKind };
}
