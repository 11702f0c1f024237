// The one IPC contract between the main process (services) and the renderer.
// channel name → request schema (validated in main on every call) → response type; plus main→renderer events.
// Both transports implement it: Electron IPC (preload bridge) and browser mode (HTTP + WebSocket).
// No runtime imports of node, electron or tfjs here.
import { z } from 'zod';
import { RunSpecInput, type RunSpec, type SpecIssue, DATASET_IDS } from './spec';
import type { NetId, LayerKind } from './nets';
import type { ExperimentSpecInput } from './experiment';

// ---------- shared result types ----------

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export interface BackendInfo {
  name: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  reason: string;
  attempts: { name: string; ok: boolean; detail: string }[];
  deterministic: boolean;
}

export interface RunSummary {
  id: string;
  name: string | null;
  net: NetId;
  dataset: string;
  criterion: string;
  mask1: string;
  mask0: string;
  seed: number;
  status: RunStatus;
  error: string | null;
  backend: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  currentRound: number | null;
  currentIteration: number | null;
  totalRounds: number;
  roundsDone: number;
  experimentId: string | null;
  /** The run whose stored dense training (round 0) this run reused instead of training it again. */
  reusedTraining: string | null;
}

export interface EvalPoint {
  iteration: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  valLoss: number;
  valAccuracy: number;
}

export interface LayerCount {
  name: string;
  kind: LayerKind;
  total: number;
  alive: number;
}

export interface RoundSummary {
  round: number;
  percentRemaining: number;
  layers: LayerCount[];
  earlyStopIteration: number;
  earlyStopTestAccuracy: number;
  earlyStopTestLoss: number;
  finalTestAccuracy: number;
  finalTestLoss: number;
  bestTestAccuracy: number;
  wallMs: number;
}

export interface RunDetail {
  summary: RunSummary;
  spec: RunSpec;
  canonical: string;
  backendReason: string | null;
  rounds: RoundSummary[];
  /** Evaluation curves: one entry per round that has any evaluation (including the round in progress). */
  evals: { round: number; points: EvalPoint[] }[];
}

export interface DatasetStatus {
  id: (typeof DATASET_IDS)[number];
  label: string;
  description: string;
  available: boolean;
  location?: string;
  problem?: string;
  needsPath: boolean;
}

export interface RegistryEntry {
  id: string;
  label: string;
  description: string;
}

export interface Registry {
  nets: (RegistryEntry & { params: number; layers: { name: string; kind: LayerKind; shape: number[] }[] })[];
  criteria: RegistryEntry[];
  mask1: RegistryEntry[];
  mask0: RegistryEntry[];
  optimizers: RegistryEntry[];
  backends: RegistryEntry[];
  presets: (RegistryEntry & { spec: RunSpecInput | ExperimentSpecInput })[];
  /** Paper defaults per net (fully resolved specs). */
  defaults: Record<NetId, RunSpec>;
}

export interface ProgressEvent {
  runId: string;
  round: number;
  totalRounds: number;
  iteration: number;
  iterations: number;
  loss: number;
  itPerSec: number;
  etaSeconds: number | null;
}

/** One aggregated point of a variant's curve: statistics over seeds at one pruning round. */
export interface StatPoint {
  round: number;
  percentRemaining: number;
  n: number;
  mean: number;
  min: number;
  max: number;
  std: number;
  q05: number;
  q95: number;
}

export interface VariantStats {
  key: string;
  label: string;
  variant: Record<string, string>;
  runIds: string[];
  /** Test accuracy at the early-stop iteration, per round over seeds. */
  accuracy: StatPoint[];
  /** Early-stop iteration, per round over seeds. */
  earlyStop: StatPoint[];
  /** Final test accuracy (last evaluation of each round), per round over seeds. */
  finalAccuracy: StatPoint[];
}

export interface ExperimentSummary {
  id: string;
  name: string | null;
  createdAt: string;
  runs: number;
  completed: number;
  running: number;
  queued: number;
  failed: number;
  variants: number;
  seeds: number;
}

export interface ExperimentDetail {
  summary: ExperimentSummary;
  spec: unknown;
  varying: string[];
  alpha: number;
  variants: VariantStats[];
  runs: RunSummary[];
  /** Mean test accuracy of the unpruned networks (round 0 at the early-stop iteration), for the horizontal line. */
  unpruned: { accuracy: number; finalAccuracy: number; n: number } | null;
  /** Per round index: the variant significantly above all others (one-sided Welch, every p < alpha), if any. */
  stars: { metric: 'accuracy' | 'earlyStop' | 'finalAccuracy'; round: number; variant: string; pValues: Record<string, number> }[];
}

/** One tfjs backend rung as `ticketlab doctor` and the settings panel report it. */
export interface DoctorBackend {
  name: BackendInfo['name'];
  /** 'active': what 'auto' trains on here; 'available': works, but a faster one runs; 'unavailable': cannot start here. */
  status: 'active' | 'available' | 'unavailable';
  /** Why it is unavailable (what is missing), or what it runs with. */
  detail: string;
  /** The npm package that provides it, and the installed version (null: not installed). */
  package: string;
  version: string | null;
}

/** What `ticketlab doctor` / `app.doctor` found: which backend trains, what the others miss, and the setup around them. */
export interface DoctorReport {
  checkedAt: string;
  /** What 'auto' resolves to on this machine; null when no backend could start. */
  backend: { name: BackendInfo['name']; reason: string; deterministic: boolean } | null;
  /** Every rung of the ladder, fastest first. */
  backends: DoctorBackend[];
  gpu: {
    /** Whether @tensorflow/tfjs-node-gpu is installed, and its version. */
    installed: boolean;
    version: string | null;
    /** True only when its probe showed TensorFlow using a GPU device. */
    gpuActive: boolean;
    /** CUDA/cuDNN libraries libtensorflow reported it could not load. */
    missing: string[];
    /** Plain words: what runs, what is missing, what to install. */
    message: string;
    /** What tfjs-node-gpu 4.x needs, whatever newer CUDA the machine has. */
    requires: string;
  };
  versions: { node: string; v8: string; tfjs: string; tfjsNode: string | null; tfjsNodeGpu: string | null; electron: string | null };
  cpu: { model: string; cores: number };
  electron: {
    /** The Electron binary (downloaded by its installer), and whether it is there. */
    binary: string | null;
    binaryPresent: boolean;
    /** better-sqlite3 compiled for Electron's ABI (`npm run build:electron-sqlite`). */
    sqliteBinding: string;
    sqliteBindingPresent: boolean;
  };
  /** What to do about each problem found, one sentence each (empty when nothing is missing). */
  advice: string[];
}

// ---------- channels ----------

const runId = z.string().regex(/^[0-9a-f]{4,64}$/, 'must be a run id (hex)');

export const channels = {
  'app.info': {
    request: z.object({}).strict(),
    response: {} as {
      version: string;
      mode: 'electron' | 'browser';
      dbPath: string;
      backend: BackendInfo | null;
      cores: number;
      workers: number;
    },
  },
  'app.doctor': {
    request: z.object({}).strict(),
    response: {} as DoctorReport,
  },
  'registry.get': {
    request: z.object({}).strict(),
    response: {} as Registry,
  },
  'datasets.list': {
    request: z.object({ cifar10Path: z.string().min(1).max(4096).optional() }).strict(),
    response: {} as DatasetStatus[],
  },
  'spec.validate': {
    request: z.object({ spec: z.unknown() }).strict(),
    response: {} as { ok: true; id: string; spec: RunSpec; canonical: string } | { ok: false; issues: SpecIssue[] },
  },
  'spec.estimate': {
    request: z.object({ spec: RunSpecInput }).strict(),
    response: {} as {
      backend: string;
      secondsPerIteration: number;
      secondsPerEval: number;
      totalSeconds: number;
      measured: boolean;
      note: string;
    },
  },
  'runs.list': {
    request: z.object({ limit: z.number().int().positive().max(10_000).optional() }).strict(),
    response: {} as RunSummary[],
  },
  'runs.get': {
    request: z.object({ id: runId }).strict(),
    response: {} as RunDetail,
  },
  'runs.create': {
    request: z.object({ spec: RunSpecInput }).strict(),
    response: {} as { id: string; existed: boolean; status: RunStatus },
  },
  'runs.cancel': {
    request: z.object({ id: runId }).strict(),
    response: {} as { id: string; status: RunStatus },
  },
  'runs.resume': {
    request: z.object({ id: runId }).strict(),
    response: {} as { id: string; status: RunStatus },
  },
  'runs.delete': {
    request: z.object({ id: runId }).strict(),
    response: {} as { id: string; deleted: boolean },
  },
  'runs.exportCsv': {
    request: z.object({ id: runId }).strict(),
    response: {} as { filename: string; csv: string },
  },
  'experiments.preview': {
    request: z.object({ spec: z.unknown() }).strict(),
    response: {} as
      | { ok: true; id: string; runs: number; variants: string[]; seeds: number[]; newRuns: number; reusedDense: number }
      | { ok: false; issues: SpecIssue[] },
  },
  'experiments.create': {
    request: z.object({ spec: z.unknown() }).strict(),
    response: {} as { id: string; existed: boolean; runs: number; queued: number },
  },
  'experiments.list': {
    request: z.object({ limit: z.number().int().positive().max(10_000).optional() }).strict(),
    response: {} as ExperimentSummary[],
  },
  'experiments.get': {
    request: z.object({ id: runId, alpha: z.number().gt(0).lt(0.5).optional() }).strict(),
    response: {} as ExperimentDetail,
  },
  'experiments.cancel': {
    request: z.object({ id: runId }).strict(),
    response: {} as { id: string; cancelled: number },
  },
  'experiments.exportCsv': {
    request: z.object({ id: runId }).strict(),
    response: {} as { filename: string; csv: string },
  },
} as const;

export type Channel = keyof typeof channels;
export type Request<C extends Channel> = z.infer<(typeof channels)[C]['request']>;
export type Response<C extends Channel> = (typeof channels)[C]['response'];
export const CHANNELS = Object.keys(channels) as Channel[];

// ---------- events (main → renderer) ----------

export interface Events {
  'run.progress': ProgressEvent;
  'run.eval': { runId: string; round: number; point: EvalPoint };
  'run.round': { runId: string; round: RoundSummary };
  'run.status': { runId: string; status: RunStatus; error: string | null; backend: string | null };
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['run.progress', 'run.eval', 'run.round', 'run.status'];

/** What both transports expose to the renderer (window.api in Electron; the WebSocket client in browser mode). */
export interface Api {
  call<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Errors crossing the contract are plain objects with a readable message. */
export interface ContractError {
  code: 'invalid_request' | 'not_found' | 'failed' | 'unknown_channel';
  message: string;
  issues?: SpecIssue[];
}

/** Implementation side: one handler per channel. */
export type Handlers = { [C in Channel]: (request: Request<C>) => Promise<Response<C>> | Response<C> };

/** Validate a request in main. Returns the parsed request or a ContractError naming the bad fields. */
export function validateRequest<C extends Channel>(
  channel: string,
  payload: unknown,
): { ok: true; channel: C; request: Request<C> } | { ok: false; error: ContractError } {
  if (!Object.hasOwn(channels, channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `unknown channel "${channel}"` } };
  }
  const schema = channels[channel as C].request;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    return {
      ok: false,
      error: {
        code: 'invalid_request',
        message: `invalid request for "${channel}": ${issues.map((i) => `${i.path || '(payload)'}: ${i.message}`).join('; ')}`,
        issues,
      },
    };
  }
  return { ok: true, channel: channel as C, request: parsed.data as Request<C> };
}
