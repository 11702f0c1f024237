// What the store hands out and takes in, and the mapping between those objects and table rows.
// Column lists live here beside their mappers so a schema change touches one place.
import type { RunSpec } from '../../common/spec';
import type { EvalPoint, LayerCount, RoundSummary, RunStatus, RunSummary } from '../../common/contract';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'];
/** Statuses after which nothing trains the run until it is resumed. */
export const FINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];

export const TENSOR_ROLES = ['w_start', 'w_f', 'b_f', 'mask', 'trainable'] as const;
export type TensorRole = (typeof TENSOR_ROLES)[number];
/** Roles holding float32 values; the others hold 0/1 masks. */
export const FLOAT_ROLES: readonly TensorRole[] = ['w_start', 'w_f', 'b_f'];
export type FloatRole = 'w_start' | 'w_f' | 'b_f';
export type MaskRole = 'mask' | 'trainable';

export interface RunRecord {
  id: string;
  name: string | null;
  spec: RunSpec;
  /** The canonical text the id was hashed from. */
  canonical: string;
  status: RunStatus;
  backend: string | null;
  backendReason: string | null;
  error: string | null;
  /** ISO-8601 UTC timestamps. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The process training the run (set by claimRun, cleared when the run leaves 'running'). */
  ownerPid: number | null;
  ownerHost: string | null;
  heartbeatAt: string | null;
  experimentId: string | null;
  /** Id of stored training results this run reuses (e.g. a shared dense round); reserved. */
  reusedTraining: string | null;
  currentRound: number | null;
  currentIteration: number | null;
  totalRounds: number;
  /** Number of completed rounds stored. */
  roundsDone: number;
}

export interface NewRun {
  id: string;
  name?: string | null;
  spec: RunSpec;
  canonical: string;
  totalRounds: number;
  experimentId?: string | null;
  reusedTraining?: string | null;
}

export interface StatusChange {
  /** Omitted: unchanged (except that 'queued' clears it); null: cleared. */
  error?: string | null;
  backend?: string | null;
  backendReason?: string | null;
}

export interface RoundRecord extends RoundSummary {
  finishedAt: string;
}

/** A round's summary as the trainer reports it; `round`, when present, must match the round being saved. */
export type RoundSummaryInput = Omit<RoundSummary, 'round'> & { round?: number };

export interface TensorInput {
  layer: string;
  role: TensorRole;
  shape: number[];
  data: Float32Array | Uint8Array;
}

export interface TensorRecord {
  runId: string;
  round: number;
  layer: string;
  role: TensorRole;
  shape: number[];
  encoding: string;
  data: Float32Array | Uint8Array;
}

export interface TensorInfo {
  layer: string;
  role: TensorRole;
  shape: number[];
  encoding: string;
  /** Stored size of the blob. */
  bytes: number;
}

export interface EvalCurve {
  round: number;
  points: EvalPoint[];
}

// ---------- runs ----------

export const RUN_COLUMNS = `
  id, name, spec_json, canonical, status, backend, backend_reason, error, created_at, started_at, finished_at,
  owner_pid, owner_host, heartbeat_at, experiment_id, reused_training, current_round, current_iteration,
  total_rounds, (SELECT count(*) FROM rounds WHERE rounds.run_id = runs.id) AS rounds_done`;

export interface RunRow {
  id: string;
  name: string | null;
  spec_json: string;
  canonical: string;
  status: RunStatus;
  backend: string | null;
  backend_reason: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
  experiment_id: string | null;
  reused_training: string | null;
  current_round: number | null;
  current_iteration: number | null;
  total_rounds: number;
  rounds_done: number;
}

export function runFromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    name: r.name,
    spec: JSON.parse(r.spec_json) as RunSpec,
    canonical: r.canonical,
    status: r.status,
    backend: r.backend,
    backendReason: r.backend_reason,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ownerPid: r.owner_pid,
    ownerHost: r.owner_host,
    heartbeatAt: r.heartbeat_at,
    experimentId: r.experiment_id,
    reusedTraining: r.reused_training,
    currentRound: r.current_round,
    currentIteration: r.current_iteration,
    totalRounds: r.total_rounds,
    roundsDone: r.rounds_done,
  };
}

/** The list-view form of a run defined by the IPC contract. */
export function toRunSummary(run: RunRecord): RunSummary {
  const s = run.spec;
  return {
    id: run.id,
    name: run.name,
    net: s.net,
    dataset: s.dataset.id,
    criterion: s.pruning.criterion,
    mask1: s.pruning.mask1,
    mask0: s.pruning.mask0,
    seed: s.seed,
    status: run.status,
    error: run.error,
    backend: run.backend,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    currentRound: run.currentRound,
    currentIteration: run.currentIteration,
    totalRounds: run.totalRounds,
    roundsDone: run.roundsDone,
    experimentId: run.experimentId,
    reusedTraining: run.reusedTraining,
  };
}

// ---------- rounds and evaluations ----------

/** SQLite turns NaN into NULL; metrics read back as NaN so they stay numbers. */
const num = (v: number | null): number => (v === null ? NaN : v);
/** NaN would be stored as NULL anyway; say so explicitly. */
export const sqlNum = (v: number): number | null => (Number.isNaN(v) ? null : v);

export const ROUND_COLUMNS = `
  round, percent_remaining, per_layer_json, early_stop_iteration, early_stop_test_accuracy, early_stop_test_loss,
  final_test_accuracy, final_test_loss, best_test_accuracy, wall_ms, finished_at`;

export interface RoundRow {
  round: number;
  percent_remaining: number | null;
  per_layer_json: string;
  early_stop_iteration: number | null;
  early_stop_test_accuracy: number | null;
  early_stop_test_loss: number | null;
  final_test_accuracy: number | null;
  final_test_loss: number | null;
  best_test_accuracy: number | null;
  wall_ms: number | null;
  finished_at: string;
}

export function roundFromRow(r: RoundRow): RoundRecord {
  return {
    round: r.round,
    percentRemaining: num(r.percent_remaining),
    layers: JSON.parse(r.per_layer_json) as LayerCount[],
    earlyStopIteration: num(r.early_stop_iteration),
    earlyStopTestAccuracy: num(r.early_stop_test_accuracy),
    earlyStopTestLoss: num(r.early_stop_test_loss),
    finalTestAccuracy: num(r.final_test_accuracy),
    finalTestLoss: num(r.final_test_loss),
    bestTestAccuracy: num(r.best_test_accuracy),
    wallMs: num(r.wall_ms),
    finishedAt: r.finished_at,
  };
}

/** Named parameters of the rounds INSERT. */
export function roundParams(runId: string, round: number, s: RoundSummaryInput, finishedAt: string) {
  return {
    run_id: runId,
    round,
    percent_remaining: sqlNum(s.percentRemaining),
    per_layer_json: JSON.stringify(s.layers.map((l) => ({ name: l.name, kind: l.kind, total: l.total, alive: l.alive }))),
    early_stop_iteration: sqlNum(s.earlyStopIteration),
    early_stop_test_accuracy: sqlNum(s.earlyStopTestAccuracy),
    early_stop_test_loss: sqlNum(s.earlyStopTestLoss),
    final_test_accuracy: sqlNum(s.finalTestAccuracy),
    final_test_loss: sqlNum(s.finalTestLoss),
    best_test_accuracy: sqlNum(s.bestTestAccuracy),
    wall_ms: sqlNum(s.wallMs),
    finished_at: finishedAt,
  };
}

export const EVAL_COLUMNS = `round, iteration, train_loss, test_loss, test_accuracy, val_loss, val_accuracy`;

export interface EvalRow {
  round: number;
  iteration: number;
  train_loss: number | null;
  test_loss: number | null;
  test_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
}

export function evalFromRow(r: EvalRow): EvalPoint {
  return {
    iteration: r.iteration,
    trainLoss: num(r.train_loss),
    testLoss: num(r.test_loss),
    testAccuracy: num(r.test_accuracy),
    valLoss: num(r.val_loss),
    valAccuracy: num(r.val_accuracy),
  };
}

export function evalParams(runId: string, round: number, p: EvalPoint) {
  return {
    run_id: runId,
    round,
    iteration: p.iteration,
    train_loss: sqlNum(p.trainLoss),
    test_loss: sqlNum(p.testLoss),
    test_accuracy: sqlNum(p.testAccuracy),
    val_loss: sqlNum(p.valLoss),
    val_accuracy: sqlNum(p.valAccuracy),
  };
}

/** Groups rows ordered by (round, iteration) into one curve per round. */
export function groupEvals(rows: EvalRow[]): EvalCurve[] {
  const curves: EvalCurve[] = [];
  for (const row of rows) {
    let last = curves[curves.length - 1];
    if (!last || last.round !== row.round) curves.push((last = { round: row.round, points: [] }));
    last.points.push(evalFromRow(row));
  }
  return curves;
}
