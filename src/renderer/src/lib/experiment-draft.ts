// The wizard's experiment side: several values on an axis (net, pruning mode, criterion, mask-1 action,
// mask-0 action) and a number of seeds turn the draft into an experiment spec (src/common/experiment.ts).
// The single-run draft (lib/draft.ts) stays the base: the first chosen value of each axis is the draft's
// own value, so every single-valued screen (schedule table, layer list, spec summary) keeps working.
// Pure functions, no Vue.
import { AXES, DEFAULT_SEEDS, expandExperiment, type Axis, type ExpandedExperiment, type ExperimentSpecInput } from '../../../common/experiment';
import type { NetId } from '../../../common/nets';
import { SpecError, type RunSpecInput, type SpecIssue } from '../../../common/spec';
import { flattenSpec, friendly, type Overrides } from './draft';

export { AXES, DEFAULT_SEEDS, type Axis };

/** Where each axis lives in a run spec (dotted path, as the wizard's overrides use). */
export const AXIS_PATHS: Record<Axis, string> = {
  net: 'net',
  mode: 'pruning.mode',
  criterion: 'pruning.criterion',
  mask1: 'pruning.mask1',
  mask0: 'pruning.mask0',
};

/** Axes the user switched to "compare several": the chosen values, in registry order. */
export type AxisLists = Partial<Record<Axis, string[]>>;

/** Most seeds an experiment may have (the experiment schema's limit). */
export const MAX_SEEDS = 100;

/** The axes with more than one chosen value. */
export function varyingAxes(axes: AxisLists): Axis[] {
  return AXES.filter((a) => (axes[a]?.length ?? 0) > 1);
}

/** Repetitions when the user has not chosen a number: 1 for a single run, Z19's 5 for an experiment. */
export function automaticSeeds(axes: AxisLists): number {
  return varyingAxes(axes).length > 0 ? DEFAULT_SEEDS : 1;
}

/** The number of seeds in effect: the user's choice, else the automatic one. */
export function seedCount(axes: AxisLists, seeds: number | null): number {
  return seeds ?? automaticSeeds(axes);
}

/** Several values on any axis, or more than one seed, make the draft an experiment. */
export function isExperimentDraft(axes: AxisLists, seeds: number | null): boolean {
  return varyingAxes(axes).length > 0 || seedCount(axes, seeds) > 1;
}

/** The user's number of seeds, checked like the schema does (shown at the field; never sent when wrong). */
export function seedsIssues(seeds: number | null, firstSeed: unknown): SpecIssue[] {
  if (seeds === null) return [];
  if (!Number.isInteger(seeds)) return [{ path: 'seeds', message: 'Enter a whole number.' }];
  if (seeds < 1) return [{ path: 'seeds', message: 'Must be at least 1.' }];
  if (seeds > MAX_SEEDS) return [{ path: 'seeds', message: `Must be at most ${MAX_SEEDS}.` }];
  if (typeof firstSeed === 'number' && firstSeed + seeds - 1 > 2 ** 31 - 1) {
    return [{ path: 'seeds', message: `The last seed would be ${firstSeed + seeds - 1}; seeds go up to 2147483647.` }];
  }
  return [];
}

/** Seeds first, first+1, …: the seeds of an experiment whose first seed is `first`. */
export function seedRange(first: number, count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => first + i);
}

/** `ids` in the order of `order` (unknown ids last, in their own order): the same choice, the same spec. */
export function orderLike(ids: readonly string[], order: readonly string[]): string[] {
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i < 0 ? order.length : i;
  };
  return [...new Set(ids)].sort((a, b) => rank(a) - rank(b));
}

/** Tick or untick one value. The last value cannot be unticked (an axis always has at least one). */
export function toggleValue(list: readonly string[], id: string, order: readonly string[]): string[] {
  if (list.includes(id)) return list.length > 1 ? list.filter((x) => x !== id) : [...list];
  return orderLike([...list, id], order);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (cur[key] === undefined || cur[key] === null || typeof cur[key] !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]] = value;
}

/**
 * The experiment spec input: the run input the single-run wizard builds (only values that differ from
 * the first net's defaults, so untouched fields follow each net's own paper defaults), with `seed`
 * replaced by the seeds (a count when they start at 0, else the explicit list) and each varying axis by
 * its list of values. When nets vary, the dataset is written out (`datasetId`), so every net trains on
 * the one dataset the wizard shows instead of each net's default one (run ids do not change: a value
 * equal to a net's default is not part of its identity).
 */
export function buildExperimentInput(
  runInput: Record<string, unknown>,
  axes: AxisLists,
  seeds: number,
  opts: { alpha?: number | null; datasetId?: string | null } = {},
): Record<string, unknown> {
  const { kind: _kind, seed, ...rest } = runInput;
  const copy = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  const first = typeof seed === 'number' ? seed : 0;
  const out: Record<string, unknown> = { kind: 'experiment', ...copy, seeds: first === 0 ? seeds : seedRange(first, seeds) };
  const vary = varyingAxes(axes);
  for (const a of vary) setPath(out, AXIS_PATHS[a], [...axes[a]!]);
  if (vary.includes('net') && opts.datasetId) setPath(out, 'dataset.id', opts.datasetId);
  if (opts.alpha !== null && opts.alpha !== undefined) out.alpha = opts.alpha;
  return out;
}

/** Issue paths of the experiment schema ("pruning.criterion.1", "seeds.3") → the wizard field they belong to. */
export function fieldPathOf(path: string): string {
  return path.replace(/(\.\d+)+$/, '');
}

/** Validate and expand an experiment input locally with the shared schema (the same code main runs). */
export function validateExperimentLocal(input: unknown): { ok: true; expanded: ExpandedExperiment } | { ok: false; issues: SpecIssue[] } {
  try {
    return { ok: true, expanded: expandExperiment(input) };
  } catch (err) {
    if (err instanceof SpecError) return { ok: false, issues: err.issues.map((i) => friendly({ path: fieldPathOf(i.path), message: i.message })) };
    throw err;
  }
}

/** What the wizard holds: the first net, the field overrides, the compared axes, the seeds and α. */
export interface DraftParts {
  net: NetId;
  overrides: Overrides;
  axes: AxisLists;
  /** null = automatic (1 for a single run, 5 for an experiment). */
  seeds: number | null;
  /** Significance level of the stars; null = the default (0.05). Presets may set it; the wizard does not show it. */
  alpha: number | null;
}

/**
 * A preset (or any spec) as wizard state. For an experiment, each axis list becomes a compared axis whose
 * first value is the draft's own value; a seed list becomes its first seed and a count (explicit seed lists
 * that are not consecutive cannot be shown in the wizard and become consecutive).
 */
export function draftFromSpec(spec: RunSpecInput | ExperimentSpecInput): DraftParts {
  if (spec.kind !== 'experiment') return { net: spec.net, overrides: flattenSpec(spec), axes: {}, seeds: null, alpha: null };
  const { seeds, alpha, kind: _kind, net, ...rest } = spec;
  const axes: AxisLists = {};
  const nets = Array.isArray(net) ? [...new Set(net)] : [net];
  if (nets.length > 1) axes.net = nets;
  const overrides = flattenSpec(rest);
  for (const a of AXES) {
    if (a === 'net') continue;
    const v = overrides[AXIS_PATHS[a]];
    if (!Array.isArray(v)) continue;
    const list = [...new Set(v as string[])];
    overrides[AXIS_PATHS[a]] = list[0];
    if (list.length > 1) axes[a] = list;
  }
  let count: number;
  if (typeof seeds === 'number') count = seeds;
  else if (Array.isArray(seeds)) {
    count = seeds.length;
    const first = Math.min(...seeds);
    if (first !== 0) overrides.seed = first;
  } else count = DEFAULT_SEEDS;
  return { net: nets[0], overrides, axes, seeds: count === automaticSeeds(axes) ? null : count, alpha: alpha ?? null };
}

function sameOverrides(a: Overrides, b: Overrides): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const empty = (v: unknown) => v === undefined || v === '' || v === null;
  return [...keys].every((k) => a[k] === b[k] || (empty(a[k]) && empty(b[k])));
}

/** True when two wizard states describe the same spec (used to tell "preset as is" from "preset, edited"). */
export function sameDraft(a: DraftParts, b: DraftParts): boolean {
  if (a.net !== b.net || seedCount(a.axes, a.seeds) !== seedCount(b.axes, b.seeds) || (a.alpha ?? null) !== (b.alpha ?? null)) return false;
  if (!sameOverrides(a.overrides, b.overrides)) return false;
  return AXES.every((ax) => {
    const x = a.axes[ax] && a.axes[ax]!.length > 1 ? [...a.axes[ax]!].sort() : [];
    const y = b.axes[ax] && b.axes[ax]!.length > 1 ? [...b.axes[ax]!].sort() : [];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  });
}

/** One group of an experiment's runs that cost the same (same net, data, training, rounds, mode, backend). */
export interface CostGroup {
  /** A run of the group, to ask main for its estimate. */
  spec: ExpandedExperiment['runs'][number]['spec'];
  count: number;
  key: string;
}

/** Group runs by what their run time depends on (criteria and actions do not change it). */
export function costGroups(expanded: ExpandedExperiment): CostGroup[] {
  const groups = new Map<string, CostGroup>();
  for (const r of expanded.runs) {
    const s = r.spec;
    const key = JSON.stringify([s.net, s.dataset, s.training, s.pruning.rounds, s.pruning.mode, s.backend]);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { spec: s, count: 1, key });
  }
  return [...groups.values()];
}

export interface ExperimentEstimate {
  /** Computing time of the runs still to train, summed over runs. */
  workSeconds: number;
  /** Wall-clock time with `parallel` runs at once. */
  wallSeconds: number;
  parallel: number;
  /** Mean estimated time of one run (all rounds). */
  perRunSeconds: number;
}

/**
 * Total run time of an experiment from per-run estimates (main's spec.estimate of one run per cost group):
 * each run's rounds, minus the dense round of every run that reuses a shared dense training, for the runs
 * not in the store yet, spread over the trainer workers. An estimate: it assumes the workers run at the
 * speed measured for one.
 */
export function experimentEstimate(
  groups: readonly { seconds: number; count: number; rounds: number }[],
  opts: { runs: number; newRuns: number; reusedDense: number; workers: number },
): ExperimentEstimate {
  const count = groups.reduce((s, g) => s + g.count, 0);
  if (count === 0) return { workSeconds: 0, wallSeconds: 0, parallel: 1, perRunSeconds: 0 };
  const all = groups.reduce((s, g) => s + g.seconds * g.count, 0);
  const perRound = groups.reduce((s, g) => s + (g.seconds / Math.max(1, g.rounds)) * g.count, 0) / count;
  const share = opts.runs > 0 ? Math.min(1, opts.newRuns / opts.runs) : 1;
  const work = Math.max(0, all - opts.reusedDense * perRound) * share;
  const parallel = Math.max(1, Math.min(opts.workers, opts.newRuns));
  return { workSeconds: work, wallSeconds: work / parallel, parallel, perRunSeconds: all / count };
}

/** What the values of each axis are called, for names like "9 criteria". */
export const AXIS_NOUNS: Record<Axis, string> = {
  net: 'networks',
  mode: 'modes',
  criterion: 'criteria',
  mask1: 'mask-1 actions',
  mask0: 'mask-0 actions',
};

/** A short net name for titles: fc → FC, conv4 → Conv4. */
export function shortNetName(id: string): string {
  return id === 'fc' ? 'FC' : id.replace(/^conv/, 'Conv');
}

/**
 * A name for an experiment the user did not name, saying what it compares: "FC/MNIST: Large final vs.
 * Random", "FC/MNIST: 9 criteria", "Conv2 vs. Conv4/CIFAR-10 …", or "FC/MNIST over 5 seeds". Its runs are
 * named after it, so the runs list says which experiment each run belongs to.
 */
export function suggestExperimentName(o: { net: string; datasetLabel: string; varying: { axis: Axis; labels: string[] }[]; seeds: number }): string {
  const nets = o.varying.find((v) => v.axis === 'net');
  const prefix = nets ? o.datasetLabel : `${shortNetName(o.net)}/${o.datasetLabel}`;
  const parts = o.varying.map((v) => (v.labels.length <= 3 ? v.labels.join(' vs. ') : `${v.labels.length} ${AXIS_NOUNS[v.axis]}`));
  const name = parts.length ? `${prefix}: ${parts.join(' × ')}` : `${prefix} over ${o.seeds} seeds`;
  return name.length > 200 ? `${name.slice(0, 199)}…` : name;
}
