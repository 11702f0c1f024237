// Experiments: a grid of runs (axes × seeds) shown as one object, with Z19's statistics over seeds.
import { expandExperiment, variantLabel, type ExpandedExperiment } from '../../common/experiment';
import type { ExperimentDetail, ExperimentSummary, RoundSummary, StatPoint, VariantStats, RunSummary } from '../../common/contract';
import { toRunSummary, type Store, type ExperimentRecord } from '../store/db';
import { summarize, bestSignificant } from '../science/stats';
import { runIdOf, experimentIdOf } from './id';
import { runCsvRows, CSV_COLUMNS, toCsv } from './export';
import { NotFoundError } from './queries';

export function experimentId(expanded: ExpandedExperiment): string {
  return experimentIdOf(expanded.runs.map((r) => runIdOf(r.spec)));
}

function membersOf(rec: ExperimentRecord): { expanded: ExpandedExperiment; ids: string[] } {
  const expanded = expandExperiment(rec.spec);
  return { expanded, ids: expanded.runs.map((r) => runIdOf(r.spec)) };
}

function summaryOf(rec: ExperimentRecord, expanded: ExpandedExperiment, runs: (RunSummary | null)[]): ExperimentSummary {
  const count = (st: string) => runs.filter((r) => r?.status === st).length;
  return {
    id: rec.id,
    name: rec.name,
    createdAt: rec.createdAt,
    runs: runs.length,
    completed: count('completed'),
    running: count('running'),
    queued: count('queued'),
    failed: count('failed') + count('cancelled') + count('interrupted'),
    variants: new Set(expanded.runs.map((r) => r.variantKey)).size,
    seeds: expanded.seeds.length,
  };
}

export function listExperiments(store: Store, limit?: number): ExperimentSummary[] {
  return store.listExperiments(limit).map((rec) => {
    const { expanded, ids } = membersOf(rec);
    return summaryOf(rec, expanded, ids.map((id) => store.getRun(id)).map((r) => (r ? toRunSummary(r) : null)));
  });
}

export function resolveExperimentRef(store: Store, ref: string): string | null {
  if (!/^[0-9a-f]{1,64}$/.test(ref)) return null;
  if (store.getExperiment(ref)) return ref;
  const m = store.findExperiments(ref);
  return m.length === 1 ? m[0].id : null;
}

function statPoints(byRound: Map<number, { pct: number; values: number[] }>): StatPoint[] {
  return [...byRound.entries()]
    .sort(([a], [b]) => a - b)
    .map(([round, { pct, values }]) => ({ round, percentRemaining: pct, ...summarize(values) }));
}

/** Aggregates an experiment: per variant and round, statistics over seeds; stars per Z19. */
export function experimentDetail(store: Store, id: string, alphaOverride?: number): ExperimentDetail {
  const rec = store.getExperiment(id);
  if (!rec) throw new NotFoundError(`no experiment with id ${id}`);
  const { expanded, ids } = membersOf(rec);
  const alpha = alphaOverride ?? expanded.alpha;
  const runSummaries = ids.map((rid) => store.getRun(rid)).map((r) => (r ? toRunSummary(r) : null));
  const roundsOf = new Map<string, RoundSummary[]>();
  for (const rid of ids) roundsOf.set(rid, store.getRounds(rid));

  const variants = new Map<string, VariantStats & { _acc: Map<number, { pct: number; values: number[] }>; _es: Map<number, { pct: number; values: number[] }>; _fin: Map<number, { pct: number; values: number[] }> }>();
  expanded.runs.forEach((r, i) => {
    let v = variants.get(r.variantKey);
    if (!v) {
      v = {
        key: r.variantKey,
        label: variantLabel(r.variant),
        variant: r.variant as Record<string, string>,
        runIds: [],
        accuracy: [],
        earlyStop: [],
        finalAccuracy: [],
        _acc: new Map(),
        _es: new Map(),
        _fin: new Map(),
      };
      variants.set(r.variantKey, v);
    }
    v.runIds.push(ids[i]);
    for (const round of roundsOf.get(ids[i]) ?? []) {
      const add = (m: Map<number, { pct: number; values: number[] }>, value: number) => {
        const e = m.get(round.round) ?? { pct: round.percentRemaining, values: [] };
        e.values.push(value);
        m.set(round.round, e);
      };
      add(v._acc, round.earlyStopTestAccuracy);
      add(v._es, round.earlyStopIteration);
      add(v._fin, round.finalTestAccuracy);
    }
  });

  const out: VariantStats[] = [];
  for (const v of variants.values()) {
    const { _acc, _es, _fin, ...rest } = v;
    out.push({ ...rest, accuracy: statPoints(_acc), earlyStop: statPoints(_es), finalAccuracy: statPoints(_fin) });
  }

  // Stars: at each round, the variant with the highest mean is marked when a one-sided Welch test puts it
  // above every other variant with p < alpha (no multiple-comparison correction, as in Z19).
  const stars: ExperimentDetail['stars'] = [];
  if (out.length > 1) {
    const rounds = new Set(out.flatMap((v) => v.accuracy.map((p) => p.round)));
    for (const metric of ['accuracy', 'finalAccuracy'] as const) {
      for (const round of [...rounds].sort((a, b) => a - b)) {
        const samples: Record<string, number[]> = {};
        for (const v of variants.values()) {
          const vals = (metric === 'accuracy' ? v._acc : v._fin).get(round)?.values;
          if (vals && vals.length) samples[v.key] = vals;
        }
        if (Object.keys(samples).length < 2) continue;
        const sig = bestSignificant(samples, alpha);
        if (sig.best) stars.push({ metric, round, variant: sig.best, pValues: sig.pValues });
      }
    }
  }

  // Runs sharing a dense training report the same round 0: count each training once (keyed by who trained it).
  const dense = new Map<string, RoundSummary>();
  ids.forEach((rid, i) => {
    const r0 = roundsOf.get(rid)?.find((r) => r.round === 0);
    if (r0) dense.set(runSummaries[i]?.reusedTraining ?? rid, r0);
  });
  const unpruned = dense.size
    ? {
        accuracy: mean([...dense.values()].map((r) => r.earlyStopTestAccuracy)),
        finalAccuracy: mean([...dense.values()].map((r) => r.finalTestAccuracy)),
        n: dense.size,
      }
    : null;

  return {
    summary: summaryOf(rec, expanded, runSummaries),
    spec: rec.spec,
    varying: expanded.varying,
    alpha,
    variants: out,
    runs: runSummaries.filter((r): r is RunSummary => r !== null),
    unpruned,
    stars,
  };
}

function mean(x: number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

/** All member runs' rows, in the run CSV's columns (which include criterion, mask-1/0 actions and seed). */
export function experimentCsv(store: Store, id: string): string {
  const rec = store.getExperiment(id);
  if (!rec) throw new NotFoundError(`no experiment with id ${id}`);
  const { ids } = membersOf(rec);
  const rows: unknown[][] = [];
  for (const rid of ids) {
    const d = store.getRunDetail(rid);
    if (!d) continue;
    rows.push(...runCsvRows({ runId: rid, spec: d.spec, backend: d.summary.backend, rounds: d.rounds, evals: d.evals }));
  }
  return toCsv(['experiment_id', ...CSV_COLUMNS], rows.map((r) => [id, ...r]));
}
