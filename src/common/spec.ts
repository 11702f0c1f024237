// The run spec: one JSON document that fully describes a run (SCIENCE.md §6).
// Users may omit any field; `resolveRunSpec` fills the per-net paper defaults (Z19 Table S1).
// No runtime imports of node, electron or tfjs here: the renderer validates with the same schema.
import { z } from 'zod';
import { NET_IDS, type NetId } from './nets';

export const SPEC_SCHEMA_VERSION = 1;

export const DATASET_IDS = ['mnist', 'fashion-mnist', 'cifar10'] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

export const CRITERION_IDS = [
  'large_final',
  'small_final',
  'large_init',
  'small_init',
  'large_init_large_final',
  'small_init_small_final',
  'magnitude_increase',
  'movement',
  'random',
  'large_final_same_sign',
  'large_final_diff_sign',
] as const;
export type CriterionId = (typeof CRITERION_IDS)[number];

export const MASK1_IDS = ['rewind', 'reinit', 'reshuffle', 'constant', 'reinit_sign', 'reshuffle_sign', 'constant_sign'] as const;
export type Mask1Id = (typeof MASK1_IDS)[number];

export const MASK0_IDS = ['zero', 'init', 'zero_if_decreased', 'zero_if_decreased_all'] as const;
export type Mask0Id = (typeof MASK0_IDS)[number];

export const OPTIMIZER_IDS = ['adam', 'sgd', 'momentum'] as const;
export type OptimizerId = (typeof OPTIMIZER_IDS)[number];

export const BACKEND_PREFS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPref = (typeof BACKEND_PREFS)[number];

export const PRUNING_MODES = ['iterative', 'one_shot'] as const;
export type PruningMode = (typeof PRUNING_MODES)[number];

const rate = z.number().min(0).max(0.99);
const posInt = z.number().int().positive();

/** The input form: everything optional except what has no sensible default. */
export const RunSpecInput = z
  .object({
    kind: z.literal('run').optional(),
    /** Display label only; not part of the run id. */
    name: z.string().max(200).optional(),
    net: z.enum(NET_IDS as unknown as [NetId, ...NetId[]]),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    dataset: z
      .object({
        id: z.enum(DATASET_IDS).optional(),
        /** Folder of a dataset that the user points at (CIFAR-10 `cifar-10-batches-bin`). */
        path: z.string().min(1).optional(),
        /** Use only the first N training images (after the validation split). For quick studies and tests. */
        trainLimit: posInt.optional(),
        /** Use only the first N test images. */
        testLimit: posInt.optional(),
        /** Validation images held out from the end of the training set (MNIST default 5000; CIFAR default 10%). */
        validation: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    training: z
      .object({
        optimizer: z.enum(OPTIMIZER_IDS).optional(),
        lr: z.number().positive().max(10).optional(),
        momentum: z.number().min(0).max(0.999).optional(),
        batchSize: posInt.max(4096).optional(),
        iterations: posInt.max(10_000_000).optional(),
        /** Evaluate on the test and validation sets every N iterations (and at the last iteration). */
        evalEvery: posInt.optional(),
      })
      .strict()
      .optional(),
    pruning: z
      .object({
        mode: z.enum(PRUNING_MODES).optional(),
        /** Number of trainings: round 0 is the dense net, each later round follows one pruning step. */
        rounds: posInt.max(60).optional(),
        rates: z.object({ conv: rate.optional(), dense: rate.optional(), output: rate.optional() }).strict().optional(),
        criterion: z.enum(CRITERION_IDS).optional(),
        mask1: z.enum(MASK1_IDS).optional(),
        mask0: z.enum(MASK0_IDS).optional(),
      })
      .strict()
      .optional(),
    backend: z.enum(BACKEND_PREFS).optional(),
  })
  .strict();
export type RunSpecInput = z.infer<typeof RunSpecInput>;

export interface RunSpec {
  kind: 'run';
  name?: string;
  net: NetId;
  seed: number;
  dataset: { id: DatasetId; path?: string; trainLimit?: number; testLimit?: number; validation?: number };
  training: { optimizer: OptimizerId; lr: number; momentum: number; batchSize: number; iterations: number; evalEvery: number };
  pruning: {
    mode: PruningMode;
    rounds: number;
    rates: { conv: number; dense: number; output: number };
    criterion: CriterionId;
    mask1: Mask1Id;
    mask0: Mask0Id;
  };
  backend: BackendPref;
}

/** Paper defaults per net (Z19 Table S1). */
export function defaultSpec(net: NetId): RunSpec {
  const common = {
    kind: 'run' as const,
    net,
    seed: 0,
    backend: 'auto' as const,
  };
  const pruning = (conv: number) => ({
    mode: 'iterative' as const,
    rounds: 8,
    rates: { conv, dense: 0.2, output: 0.1 },
    criterion: 'large_final' as const,
    mask1: 'rewind' as const,
    mask0: 'zero' as const,
  });
  const training = (lr: number, iterations: number) => ({
    optimizer: 'adam' as const,
    lr,
    momentum: 0.9,
    batchSize: 60,
    iterations,
    evalEvery: 100,
  });
  switch (net) {
    case 'fc':
      return { ...common, dataset: { id: 'mnist' }, training: training(1.2e-3, 50_000), pruning: pruning(0.1) };
    case 'conv2':
      return { ...common, dataset: { id: 'cifar10' }, training: training(2e-4, 20_000), pruning: pruning(0.1) };
    case 'conv4':
      return { ...common, dataset: { id: 'cifar10' }, training: training(3e-4, 25_000), pruning: pruning(0.1) };
    case 'conv6':
      return { ...common, dataset: { id: 'cifar10' }, training: training(3e-4, 30_000), pruning: pruning(0.15) };
  }
}

export interface SpecIssue {
  path: string;
  message: string;
}

export class SpecError extends Error {
  constructor(public readonly issues: SpecIssue[]) {
    super(`Invalid run spec:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'SpecError';
  }
}

export function zodIssues(error: z.ZodError): SpecIssue[] {
  return error.issues.flatMap((issue) => formatIssue(issue as ZodIssueLike, []));
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  values?: unknown[];
  keys?: string[];
  errors?: ZodIssueLike[][];
}

/** One readable issue per problem; for "one value or a list" unions, the branch that got furthest explains it. */
function formatIssue(issue: ZodIssueLike, prefix: PropertyKey[]): SpecIssue[] {
  const full = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const depth = (b: ZodIssueLike[]) => Math.max(...b.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
    const best = [...issue.errors].filter((b) => b.length).sort((a, b) => depth(b) - depth(a))[0];
    if (best) return best.flatMap((i) => formatIssue(i, full));
  }
  let message = issue.message;
  if (issue.code === 'invalid_value' && issue.values) {
    message = `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (issue.code === 'unrecognized_keys' && issue.keys) {
    message = `unknown field(s): ${issue.keys.join(', ')}`;
  }
  return [{ path: full.map(String).join('.'), message }];
}

/** Validate user input and fill defaults. Throws SpecError naming each bad field. */
export function resolveRunSpec(input: unknown): RunSpec {
  const parsed = RunSpecInput.safeParse(input);
  if (!parsed.success) throw new SpecError(zodIssues(parsed.error));
  const s = parsed.data;
  const d = defaultSpec(s.net);
  const spec: RunSpec = {
    kind: 'run',
    ...(s.name !== undefined ? { name: s.name } : {}),
    net: s.net,
    seed: s.seed ?? d.seed,
    dataset: { ...d.dataset, ...stripUndefined(s.dataset ?? {}) },
    training: { ...d.training, ...stripUndefined(s.training ?? {}) },
    pruning: {
      ...d.pruning,
      ...stripUndefined({ ...(s.pruning ?? {}), rates: undefined }),
      rates: { ...d.pruning.rates, ...stripUndefined(s.pruning?.rates ?? {}) },
    },
    backend: s.backend ?? d.backend,
  };
  const issues: SpecIssue[] = [];
  const netIsConv = s.net !== 'fc';
  if (netIsConv && spec.dataset.id !== 'cifar10') {
    issues.push({ path: 'dataset.id', message: `net "${s.net}" takes 32x32x3 images: dataset must be "cifar10"` });
  }
  if (!netIsConv && spec.dataset.id === 'cifar10') {
    issues.push({ path: 'dataset.id', message: 'net "fc" takes 28x28 images: dataset must be one of: "mnist", "fashion-mnist"' });
  }
  if (spec.training.evalEvery > spec.training.iterations) {
    issues.push({ path: 'training.evalEvery', message: `must be at most training.iterations (${spec.training.iterations})` });
  }
  if (issues.length) throw new SpecError(issues);
  return spec;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The canonical identity of a spec: the fields whose values differ from the net's defaults, as a flat
 * sorted map of dotted paths, plus the schema version. Adding a new field with a neutral default keeps
 * every old id. `name` is a label and never part of the identity.
 */
export function canonicalSpecFields(spec: RunSpec): Record<string, unknown> {
  const d = flatten(defaultSpec(spec.net) as unknown as Record<string, unknown>);
  const f = flatten(spec as unknown as Record<string, unknown>);
  const out: Record<string, unknown> = { net: spec.net, v: SPEC_SCHEMA_VERSION };
  for (const key of Object.keys(f).sort()) {
    if (key === 'name' || key === 'kind') continue;
    if (d[key] !== f[key]) out[key] = f[key];
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Canonical JSON (sorted keys, no whitespace) of the identity fields; hash this for the run id. */
export function canonicalSpecString(spec: RunSpec): string {
  return JSON.stringify(canonicalSpecFields(spec));
}

function flatten(o: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else if (v !== undefined) out[key] = v;
  }
  return out;
}
