// The wizard's draft: the chosen net plus the fields the user (or a preset) set, as dotted paths.
// Every other field shows the chosen net's paper default, so switching nets moves untouched fields
// to the new net's defaults. Building the spec sends only values that differ from those defaults
// (the run id depends only on such values, so this never changes which run a spec names).
import { NETS, type NetId } from '../../../common/nets';
import { RunSpecInput, resolveRunSpec, SpecError, zodIssues, type DatasetId, type RunSpec, type SpecIssue } from '../../../common/spec';

/** Dotted path → value. `null` = the user cleared a field that needs a value (an error, never sent). */
export type Overrides = Record<string, unknown>;

/** Optional fields without a default: empty means "not set" and is simply left out of the spec. */
export const OPTIONAL_PATHS = new Set(['name', 'dataset.path', 'dataset.trainLimit', 'dataset.testLimit', 'dataset.validation']);

/** The wizard's steps, in order, and the spec fields each one owns (for error badges and focus). */
export const WIZARD_STEPS = [
  { id: 'dataset', title: 'Dataset', fields: ['dataset.'] },
  { id: 'network', title: 'Network', fields: ['net'] },
  { id: 'schedule', title: 'Pruning schedule', fields: ['pruning.mode', 'pruning.rounds', 'pruning.rates'] },
  { id: 'criterion', title: 'Mask criterion', fields: ['pruning.criterion'] },
  { id: 'mask1', title: 'Mask-1 action', fields: ['pruning.mask1'] },
  { id: 'mask0', title: 'Mask-0 action', fields: ['pruning.mask0'] },
  { id: 'training', title: 'Training', fields: ['training.'] },
  { id: 'seed', title: 'Seed & backend', fields: ['seed', 'seeds', 'backend'] },
  { id: 'review', title: 'Review & start', fields: ['name', 'kind'] },
] as const;
export type StepId = (typeof WIZARD_STEPS)[number]['id'];

/** The step that owns a spec path (unknown paths belong to the review step). */
export function stepOfPath(path: string): StepId {
  for (const step of WIZARD_STEPS) {
    if (step.fields.some((f) => (f.endsWith('.') ? path.startsWith(f) : path === f || path.startsWith(`${f}.`)))) return step.id;
  }
  return 'review';
}

/** Image shape of each dataset; a net fits a dataset when its input shape matches. */
const DATASET_SHAPES: Record<DatasetId, number[]> = {
  mnist: [28, 28, 1],
  'fashion-mnist': [28, 28, 1],
  cifar10: [32, 32, 3],
};

export function netFitsDataset(net: NetId, dataset: DatasetId): boolean {
  const a = NETS[net].inputShape;
  const b = DATASET_SHAPES[dataset];
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
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

/** Flatten a nested spec (input or resolved) into dotted paths; `kind` and `net` are left out. */
export function flattenSpec(spec: unknown, prefix = '', out: Overrides = {}): Overrides {
  if (spec === null || typeof spec !== 'object') return out;
  for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (!prefix && (k === 'kind' || k === 'net')) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flattenSpec(v, key, out);
    else if (v !== undefined) out[key] = v;
  }
  return out;
}

/** What a field shows: the override if set, else the net's paper default. */
export function effectiveValue(defaults: RunSpec, overrides: Overrides, path: string): unknown {
  return Object.prototype.hasOwnProperty.call(overrides, path) ? overrides[path] : getPath(defaults, path);
}

/** True when a field shows something other than its paper default. */
export function isChanged(defaults: RunSpec, overrides: Overrides, path: string): boolean {
  if (!Object.prototype.hasOwnProperty.call(overrides, path)) return false;
  const v = overrides[path];
  if (OPTIONAL_PATHS.has(path)) return v !== null && v !== undefined && v !== '';
  return v !== getPath(defaults, path);
}

/**
 * The spec input the wizard sends: the net plus every override that differs from the net's default.
 * Cleared required fields stay in as `null`, so validation names them; cleared optional ones are dropped.
 */
export function buildInput(net: NetId, defaults: RunSpec, overrides: Overrides): Record<string, unknown> {
  const input: Record<string, unknown> = { net };
  for (const [path, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (OPTIONAL_PATHS.has(path)) {
      if (value === null || value === '') continue;
      setPath(input, path, typeof value === 'string' && path !== 'name' ? value.trim() : value);
      continue;
    }
    if (value !== null && value === getPath(defaults, path)) continue;
    setPath(input, path, value);
  }
  return input;
}

/** What each spec path is called in the wizard. */
export const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  net: 'Network',
  seed: 'Seed',
  seeds: 'Repetitions (seeds)',
  backend: 'Backend',
  'dataset.id': 'Dataset',
  'dataset.path': 'CIFAR-10 folder',
  'dataset.trainLimit': 'Training images',
  'dataset.testLimit': 'Test images',
  'dataset.validation': 'Validation images',
  'pruning.mode': 'Mode',
  'pruning.rounds': 'Rounds',
  'pruning.rates.conv': 'Conv rate',
  'pruning.rates.dense': 'Dense rate',
  'pruning.rates.output': 'Output rate',
  'pruning.criterion': 'Mask criterion',
  'pruning.mask1': 'Mask-1 action',
  'pruning.mask0': 'Mask-0 action',
  'training.optimizer': 'Optimizer',
  'training.lr': 'Learning rate',
  'training.momentum': 'Momentum',
  'training.batchSize': 'Batch size',
  'training.iterations': 'Iterations per round',
  'training.evalEvery': 'Evaluate every',
};

export function fieldLabel(path: string): string {
  return FIELD_LABELS[path] ?? (path || 'Spec');
}

/** Pruning rates are fractions in the spec but percent in the wizard. */
const PERCENT_PATHS = /^pruning\.rates\./;

/**
 * Friendlier words for the schema's generic messages, in the units the wizard shows (main's issues from
 * spec.validate go through this too).
 */
export function friendly(issue: SpecIssue): SpecIssue {
  let message = issue.message;
  const atLeast = />=\s*(-?[\d.e+-]+)/.exec(message);
  const atMost = /<=\s*(-?[\d.e+-]+)/.exec(message);
  if (/received (null|undefined|string|nan)/i.test(message)) message = 'Enter a number.';
  else if (/expected int/i.test(message)) message = 'Enter a whole number.';
  else if (/characters/i.test(message)) message = message.replace(/^Too (big|small): expected string to have /, 'Must have ');
  else if (/too small/i.test(message) && />\s*0\b/.test(message) && !atLeast) message = 'Must be greater than 0.';
  else if (/too small/i.test(message) && atLeast) message = `Must be at least ${atLeast[1]}.`;
  else if (/too big/i.test(message) && atMost) message = `Must be at most ${atMost[1]}.`;
  // Cross-field messages name other fields by path; say what the user sees instead.
  message = message.replace(/training\.iterations/g, 'the iterations per round');
  if (PERCENT_PATHS.test(issue.path)) message = message.replace(/(\d+(?:\.\d+)?)/g, (n) => `${Math.round(Number(n) * 1e8) / 1e6}%`);
  message = message.charAt(0).toUpperCase() + message.slice(1);
  return { path: issue.path, message };
}

/**
 * Validate locally with the shared schema (the same zod schema and cross-field checks main uses).
 * Returns the resolved spec when valid, else the issues by field path.
 */
export function validateLocal(input: unknown): { ok: true; spec: RunSpec } | { ok: false; issues: SpecIssue[] } {
  const parsed = RunSpecInput.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error).map(friendly) };
  try {
    return { ok: true, spec: resolveRunSpec(parsed.data) };
  } catch (err) {
    if (err instanceof SpecError) return { ok: false, issues: err.issues.map(friendly) };
    throw err;
  }
}

/** Issues grouped by path; an issue on a parent path (e.g. "pruning.rates") is also found by its children. */
export function issuesByPath(issues: readonly SpecIssue[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const i of issues) {
    const list = map.get(i.path) ?? [];
    if (!list.includes(i.message)) list.push(i.message);
    map.set(i.path, list);
  }
  return map;
}

/** The steps that have at least one issue. */
export function stepsWithIssues(issues: readonly SpecIssue[]): Set<StepId> {
  return new Set(issues.map((i) => stepOfPath(i.path)));
}
