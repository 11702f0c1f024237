// Experiment specs (issue #4): a run spec in which any axis may list several values, plus a number of
// seeds. The app expands the grid into runs; the experiment is shown as one object.
// No runtime imports of node, electron or tfjs here.
import { z } from 'zod';
import { NET_IDS, type NetId } from './nets';
import {
  CRITERION_IDS,
  MASK0_IDS,
  MASK1_IDS,
  PRUNING_MODES,
  RunSpecInput,
  SpecError,
  resolveRunSpec,
  zodIssues,
  type RunSpec,
  type SpecIssue,
} from './spec';

const oneOrMany = <T extends z.ZodTypeAny>(t: T) => z.union([t, z.array(t).min(1).max(64)]);

export const AXES = ['net', 'mode', 'criterion', 'mask1', 'mask0'] as const;
export type Axis = (typeof AXES)[number];

export const ExperimentSpecInput = z
  .object({
    kind: z.literal('experiment'),
    name: z.string().max(200).optional(),
    /** A number of seeds (0..n-1) or an explicit list. Default 5, as in Z19's plots. */
    seeds: z.union([z.number().int().min(1).max(100), z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(100)]).optional(),
    net: oneOrMany(z.enum(NET_IDS as unknown as [NetId, ...NetId[]])),
    dataset: RunSpecInput.shape.dataset,
    training: RunSpecInput.shape.training,
    pruning: z
      .object({
        mode: oneOrMany(z.enum(PRUNING_MODES)).optional(),
        rounds: z.number().int().positive().max(60).optional(),
        rates: z.object({ conv: z.number().min(0).max(0.99).optional(), dense: z.number().min(0).max(0.99).optional(), output: z.number().min(0).max(0.99).optional() }).strict().optional(),
        criterion: oneOrMany(z.enum(CRITERION_IDS)).optional(),
        mask1: oneOrMany(z.enum(MASK1_IDS)).optional(),
        mask0: oneOrMany(z.enum(MASK0_IDS)).optional(),
      })
      .strict()
      .optional(),
    backend: RunSpecInput.shape.backend,
    /** Significance level of the one-sided Welch tests behind the stars (Z19: 0.05). */
    alpha: z.number().gt(0).lt(0.5).optional(),
  })
  .strict();
export type ExperimentSpecInput = z.infer<typeof ExperimentSpecInput>;

export const DEFAULT_SEEDS = 5;
export const DEFAULT_ALPHA = 0.05;

export interface ExpandedRun {
  spec: RunSpec;
  /** The values of the axes that vary in this experiment (seed excluded): the variant this run belongs to. */
  variant: Partial<Record<Axis, string>>;
  variantKey: string;
  seed: number;
}

export interface ExpandedExperiment {
  name: string | null;
  seeds: number[];
  /** Axes with more than one value, in AXES order. */
  varying: Axis[];
  alpha: number;
  runs: ExpandedRun[];
}

const list = <T>(v: T | T[] | undefined): (T | undefined)[] => (v === undefined ? [undefined] : Array.isArray(v) ? [...new Set(v)] : [v]);

export function isExperimentInput(input: unknown): boolean {
  return typeof input === 'object' && input !== null && (input as { kind?: unknown }).kind === 'experiment';
}

export function variantLabel(variant: Partial<Record<Axis, string>>): string {
  const parts = AXES.filter((a) => variant[a] !== undefined).map((a) => variant[a]!);
  return parts.length ? parts.join(' · ') : 'all runs';
}

/** Validate an experiment spec and expand it into fully resolved run specs (axes × seeds). */
export function expandExperiment(input: unknown): ExpandedExperiment {
  const parsed = ExperimentSpecInput.safeParse(input);
  if (!parsed.success) throw new SpecError(zodIssues(parsed.error));
  const e = parsed.data;
  const seeds = e.seeds === undefined ? range(DEFAULT_SEEDS) : typeof e.seeds === 'number' ? range(e.seeds) : [...new Set(e.seeds)];
  const values: Record<Axis, (string | undefined)[]> = {
    net: list(e.net),
    mode: list(e.pruning?.mode),
    criterion: list(e.pruning?.criterion),
    mask1: list(e.pruning?.mask1),
    mask0: list(e.pruning?.mask0),
  };
  const varying = AXES.filter((a) => values[a].length > 1);
  const runs: ExpandedRun[] = [];
  const issues: SpecIssue[] = [];
  for (const net of values.net)
    for (const mode of values.mode)
      for (const criterion of values.criterion)
        for (const mask1 of values.mask1)
          for (const mask0 of values.mask0) {
            const variant: Partial<Record<Axis, string>> = {};
            const chosen = { net, mode, criterion, mask1, mask0 } as Record<Axis, string | undefined>;
            for (const a of varying) variant[a] = chosen[a];
            for (const seed of seeds) {
              const runInput = {
                kind: 'run' as const,
                ...(e.name ? { name: `${e.name} · ${variantLabel(variant)} · seed ${seed}` } : {}),
                net,
                seed,
                ...(e.dataset ? { dataset: e.dataset } : {}),
                ...(e.training ? { training: e.training } : {}),
                pruning: stripUndefined({ rounds: e.pruning?.rounds, rates: e.pruning?.rates, mode, criterion, mask1, mask0 }),
                ...(e.backend ? { backend: e.backend } : {}),
              };
              try {
                runs.push({ spec: resolveRunSpec(runInput), variant, variantKey: JSON.stringify(variant), seed });
              } catch (err) {
                if (err instanceof SpecError) issues.push(...err.issues.map((i) => ({ ...i, message: `${i.message} (net ${net})` })));
                else throw err;
              }
            }
          }
  if (issues.length) throw new SpecError(dedupe(issues));
  if (runs.length > 2000) throw new SpecError([{ path: '', message: `the grid expands to ${runs.length} runs; at most 2000 are allowed` }]);
  return { name: e.name ?? null, seeds, varying, alpha: e.alpha ?? DEFAULT_ALPHA, runs };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function dedupe(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
