// The run store: one SQLite file (better-sqlite3, synchronous) holding runs, their completed rounds, the
// evaluation curves streamed while training, and each round's tensors.
//
// Concurrency model: one writer process per run (the app's runs service or a CLI process; the trainer
// worker thread posts results to it), any number of readers in other processes. Hence WAL (readers never
// block the writer and see only committed data), busy_timeout (writers wait for each other instead of
// failing), BEGIN IMMEDIATE for every write transaction (so busy_timeout applies: a deferred transaction that
// upgrades to a write can fail at once), and short transactions (tensors are encoded before the lock).
//
// Every failure leaves the store as a StoreError that names the file, what was being done and what to do.
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { EvalPoint, RunDetail, RunStatus } from '../../common/contract';
import { StoreError, toStoreError, withStoreErrors } from './errors';
import { checkCompatible, migrate, SCHEMA_VERSION } from './migrations';
import { HOST, PROCESS_TOKEN, ownerGoneReason } from './liveness';
import { decodeTensor } from './codecs';
import { encodeRoundTensors, shapeSize } from './tensors';
import {
  EVAL_COLUMNS,
  FINAL_STATUSES,
  ROUND_COLUMNS,
  RUN_COLUMNS,
  RUN_STATUSES,
  evalParams,
  groupEvals,
  roundFromRow,
  roundParams,
  runFromRow,
  toRunSummary,
  type EvalCurve,
  type EvalRow,
  type FloatRole,
  type MaskRole,
  type NewRun,
  type RoundRecord,
  type RoundRow,
  type RoundSummaryInput,
  type RunRecord,
  type RunRow,
  type StatusChange,
  type TensorInfo,
  type TensorInput,
  type TensorRecord,
  type TensorRole,
} from './records';

export { defaultDbPath, DB_ENV } from './paths';
export { StoreError, type StoreErrorKind } from './errors';
export { SCHEMA_VERSION } from './migrations';
export { encodeF32, decodeF32, encodeMask, decodeMask } from './codecs';
export * from './records';

export interface StoreOptions {
  /** Path of a separately built better_sqlite3.node (the Electron app's ABI); passed through to better-sqlite3. */
  nativeBinding?: string;
  /** Open without writing anything: no migration, no reconciliation; writes fail with a 'read_only' error. */
  readonly?: boolean;
  /** How long a write waits for another connection's write lock before failing as 'busy'. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** A 'running' run without a heartbeat for this long is 'interrupted' by reconcileInterrupted. Default 15 min. */
  staleAfterMs?: number;
  /** Run reconcileInterrupted() when opening (default true; never for read-only stores). */
  reconcileOnOpen?: boolean;
  /** Clock in ms since the epoch (tests move it forward). Default Date.now. */
  now?: () => number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Generous: a heartbeat comes with every progress message, but one full-test-set evaluation of a conv net on a slow CPU can take minutes. */
export const DEFAULT_STALE_AFTER_MS = 15 * 60 * 1000;
/** WAL files are truncated back to this size after checkpoints (a round's tensors can make them large). */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

export interface CreateRunResult {
  run: RunRecord;
  /** True when a run with this id was already stored; `run` is then the stored one, unchanged. */
  existed: boolean;
}

export interface ListRunsOptions {
  /** Newest first; at most this many. */
  limit?: number;
  status?: RunStatus | readonly RunStatus[];
  experimentId?: string;
}

export interface InterruptedRun {
  id: string;
  reason: string;
}

/** Opens (creating folders and file as needed) and migrates the store at `file`, then reconciles stale runs. */
export function openStore(file: string, opts: StoreOptions = {}): Store {
  const memory = file === ':memory:';
  const resolved = memory ? file : path.resolve(file);
  const readonly = opts.readonly ?? false;
  if (!memory) prepareLocation(resolved, readonly);

  let db: Database.Database;
  try {
    db = new Database(resolved, {
      readonly,
      fileMustExist: readonly,
      timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    });
  } catch (err) {
    const wrapped = toStoreError(err, resolved, 'opening the database');
    if (wrapped instanceof StoreError) throw wrapped;
    const reason = err instanceof Error ? err.message : String(err);
    const from = opts.nativeBinding ? ` from ${opts.nativeBinding}` : '';
    throw new StoreError('cannot_open', `Cannot load SQLite (better-sqlite3)${from} to open ${resolved}: ${reason}`, resolved, null, {
      cause: err,
    });
  }

  try {
    withStoreErrors(resolved, 'opening the database', () => configure(db, resolved, readonly));
  } catch (err) {
    db.close();
    throw err;
  }
  const store = new Store(db, resolved, opts);
  if (!readonly && opts.reconcileOnOpen !== false) {
    try {
      store.reconcileInterrupted();
    } catch (err) {
      store.close();
      throw err;
    }
  }
  return store;
}

/** Creates the parent folders (read-write) or checks the file exists (read-only), with clear errors. */
function prepareLocation(file: string, readonly: boolean): void {
  if (readonly) {
    if (!existsSync(file)) throw new StoreError('cannot_open', `Cannot open ${file} read-only: the file does not exist.`, file);
    return;
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const kind = code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? 'read_only' : 'cannot_open';
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreError(kind, `Cannot create the folder for the database ${file}: ${reason}`, file, null, { cause: err });
  }
}

/** Checks the file is ours and not from the future, then sets the connection up and migrates. */
function configure(db: Database.Database, file: string, readonly: boolean): void {
  // Read-only checks first: a file we refuse must not be touched (WAL mode rewrites the header).
  const version = checkCompatible(db, file);
  if (readonly) {
    if (version < SCHEMA_VERSION) {
      throw new StoreError(
        'read_only',
        `The database ${file} uses an older schema (${version}, current ${SCHEMA_VERSION}) and must be upgraded, which a read-only open cannot do. Open it once read-write.`,
        file,
      );
    }
    return;
  }
  // Lets deleteRun give deleted tensors' space back to the disk. Only possible on an empty file, outside any
  // transaction, before the first table exists; a no-op otherwise.
  if (version === 0) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  migrate(db, file);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The prepared statements of one connection. */
export interface ExperimentRecord {
  id: string;
  name: string | null;
  spec: unknown;
  createdAt: string;
}

interface ExperimentRow {
  id: string;
  name: string | null;
  spec_json: string;
  created_at: string;
}

function experimentFromRow(r: ExperimentRow): ExperimentRecord {
  return { id: r.id, name: r.name, spec: JSON.parse(r.spec_json), createdAt: r.created_at };
}

function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare(`
      INSERT INTO runs (id, name, spec_json, canonical, status, created_at, experiment_id, reused_training, total_rounds)
      VALUES (@id, @name, @spec_json, @canonical, 'queued', @created_at, @experiment_id, @reused_training, @total_rounds)
      ON CONFLICT (id) DO NOTHING`),
    getRun: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    listRuns: db.prepare(`
      SELECT ${RUN_COLUMNS} FROM runs
      WHERE (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
        AND (@experiment_id IS NULL OR experiment_id = @experiment_id)
      ORDER BY created_at DESC, rowid DESC
      LIMIT @limit`),
    // U+10FFFF sorts after every character, so [prefix, prefix + U+10FFFF) is "starts with prefix" and uses the key.
    findRuns: db.prepare(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE id >= @p AND id < @p || char(1114111) ORDER BY created_at DESC, rowid DESC`,
    ),
    setStatus: db.prepare(`
      UPDATE runs SET
        status         = @status,
        error          = CASE WHEN @set_error THEN @error WHEN @status = 'queued' THEN NULL ELSE error END,
        backend        = CASE WHEN @set_backend THEN @backend ELSE backend END,
        backend_reason = CASE WHEN @set_backend_reason THEN @backend_reason ELSE backend_reason END,
        started_at     = CASE WHEN @status = 'running' THEN coalesce(started_at, @now) ELSE started_at END,
        finished_at    = CASE WHEN @final THEN @now WHEN @status IN ('queued', 'running') THEN NULL ELSE finished_at END,
        heartbeat_at   = CASE WHEN @status = 'running' THEN @now ELSE heartbeat_at END,
        owner_pid      = CASE WHEN @status = 'running' THEN owner_pid END,
        owner_host     = CASE WHEN @status = 'running' THEN owner_host END,
        owner_token    = CASE WHEN @status = 'running' THEN owner_token END,
        claimed_at     = CASE WHEN @status = 'running' THEN claimed_at END
      WHERE id = @id`),
    ownerOf: db.prepare(
      `SELECT status, owner_pid, owner_host, owner_token, heartbeat_at, claimed_at, started_at, created_at FROM runs WHERE id = ?`,
    ),
    claim: db.prepare(`
      UPDATE runs SET status = 'running', owner_pid = @pid, owner_host = @host, owner_token = @token,
        claimed_at = @now, heartbeat_at = @now, started_at = coalesce(started_at, @now), finished_at = NULL
      WHERE id = @id`),
    heartbeat: db.prepare(`
      UPDATE runs SET heartbeat_at = @now, current_round = @round, current_iteration = @iteration
      WHERE id = @id AND status = 'running'`),
    runningRuns: db.prepare(`
      SELECT id, owner_pid, owner_host, owner_token, heartbeat_at, claimed_at, started_at, created_at
      FROM runs WHERE status = 'running'`),
    interrupt: db.prepare(`
      UPDATE runs SET status = 'interrupted', error = @error, finished_at = @now,
        owner_pid = NULL, owner_host = NULL, owner_token = NULL, claimed_at = NULL
      WHERE id = @id AND status = 'running'`),
    deleteRun: db.prepare(`DELETE FROM runs WHERE id = ?`),
    runExists: db.prepare(`SELECT 1 FROM runs WHERE id = ?`).pluck(),
    upsertEval: db.prepare(`
      INSERT INTO evals (run_id, round, iteration, train_loss, test_loss, test_accuracy, val_loss, val_accuracy)
      VALUES (@run_id, @round, @iteration, @train_loss, @test_loss, @test_accuracy, @val_loss, @val_accuracy)
      ON CONFLICT (run_id, round, iteration) DO UPDATE SET
        train_loss = excluded.train_loss, test_loss = excluded.test_loss, test_accuracy = excluded.test_accuracy,
        val_loss = excluded.val_loss, val_accuracy = excluded.val_accuracy`),
    evals: db.prepare(`SELECT ${EVAL_COLUMNS} FROM evals WHERE run_id = ? ORDER BY round, iteration`),
    evalsOfRound: db.prepare(`SELECT ${EVAL_COLUMNS} FROM evals WHERE run_id = ? AND round = ? ORDER BY iteration`),
    discardPartial: db.prepare(`
      DELETE FROM evals WHERE run_id = @run_id AND round >= @round
        AND round NOT IN (SELECT round FROM rounds WHERE run_id = @run_id)`),
    roundExists: db.prepare(`SELECT 1 FROM rounds WHERE run_id = ? AND round = ?`).pluck(),
    insertRound: db.prepare(`
      INSERT INTO rounds (run_id, round, percent_remaining, per_layer_json, early_stop_iteration, early_stop_test_accuracy,
        early_stop_test_loss, final_test_accuracy, final_test_loss, best_test_accuracy, wall_ms, finished_at)
      VALUES (@run_id, @round, @percent_remaining, @per_layer_json, @early_stop_iteration, @early_stop_test_accuracy,
        @early_stop_test_loss, @final_test_accuracy, @final_test_loss, @best_test_accuracy, @wall_ms, @finished_at)`),
    touchRun: db.prepare(`UPDATE runs SET heartbeat_at = @now WHERE id = @id AND status = 'running'`),
    rounds: db.prepare(`SELECT ${ROUND_COLUMNS} FROM rounds WHERE run_id = ? ORDER BY round`),
    round: db.prepare(`SELECT ${ROUND_COLUMNS} FROM rounds WHERE run_id = ? AND round = ?`),
    lastRound: db.prepare(`SELECT max(round) FROM rounds WHERE run_id = ?`).pluck(),
    insertTensor: db.prepare(`
      INSERT INTO tensors (run_id, round, layer, role, shape_json, encoding, data)
      VALUES (@run_id, @round, @layer, @role, @shape_json, @encoding, @data)`),
    tensor: db.prepare(`SELECT shape_json, encoding, data FROM tensors WHERE run_id = ? AND round = ? AND layer = ? AND role = ?`),
    insertExperiment: db.prepare(`
      INSERT INTO experiments (id, name, spec_json, created_at) VALUES (@id, @name, @spec_json, @created_at)
      ON CONFLICT (id) DO NOTHING`),
    getExperiment: db.prepare(`SELECT id, name, spec_json, created_at FROM experiments WHERE id = ?`),
    listExperiments: db.prepare(`SELECT id, name, spec_json, created_at FROM experiments ORDER BY created_at DESC, rowid DESC LIMIT ?`),
    findExperiments: db.prepare(
      `SELECT id, name, spec_json, created_at FROM experiments WHERE id >= @p AND id < @p || char(1114111) ORDER BY created_at DESC`,
    ),
    deleteEvalsOfRound: db.prepare(`DELETE FROM evals WHERE run_id = ? AND round = ?`),
    setTrainingKey: db.prepare(`UPDATE runs SET training_key = @key WHERE id = @id`),
    setReused: db.prepare(`UPDATE runs SET reused_training = @reused WHERE id = @id`),
    trainingDonor: db.prepare(`
      SELECT r.id FROM runs r JOIN rounds d ON d.run_id = r.id AND d.round = 0
      WHERE r.training_key = @key AND r.id <> @id
      ORDER BY d.finished_at LIMIT 1`).pluck(),
    copyRoundRow: db.prepare(`
      INSERT INTO rounds (run_id, round, percent_remaining, per_layer_json, early_stop_iteration, early_stop_test_accuracy,
        early_stop_test_loss, final_test_accuracy, final_test_loss, best_test_accuracy, wall_ms, finished_at)
      SELECT @to, round, percent_remaining, per_layer_json, early_stop_iteration, early_stop_test_accuracy,
        early_stop_test_loss, final_test_accuracy, final_test_loss, best_test_accuracy, wall_ms, @now
      FROM rounds WHERE run_id = @from AND round = @round`),
    copyEvals: db.prepare(`
      INSERT INTO evals (run_id, round, iteration, train_loss, test_loss, test_accuracy, val_loss, val_accuracy)
      SELECT @to, round, iteration, train_loss, test_loss, test_accuracy, val_loss, val_accuracy
      FROM evals WHERE run_id = @from AND round = @round
      ON CONFLICT (run_id, round, iteration) DO NOTHING`),
    copyTensors: db.prepare(`
      INSERT INTO tensors (run_id, round, layer, role, shape_json, encoding, data)
      SELECT @to, round, layer, role, shape_json, encoding, data FROM tensors WHERE run_id = @from AND round = @round`),
    tensorInfo: db.prepare(`
      SELECT layer, role, shape_json, encoding, length(data) AS bytes FROM tensors
      WHERE run_id = ? AND round = ? ORDER BY rowid`),
  };
}

type OwnerRow = {
  status?: RunStatus;
  id?: string;
  owner_pid: number | null;
  owner_host: string | null;
  owner_token: string | null;
  heartbeat_at: string | null;
  claimed_at: string | null;
  started_at: string | null;
  created_at: string;
};

export class Store {
  private readonly s: ReturnType<typeof prepareStatements>;
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private closed = false;

  constructor(
    /** The raw connection, for diagnostics and tests; use the methods for everything else. */
    readonly connection: Database.Database,
    /** Absolute path of the database file. */
    readonly file: string,
    opts: StoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.s = withStoreErrors(file, 'preparing queries', () => prepareStatements(connection));
  }

  get readonly(): boolean {
    return this.connection.readonly;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
  }

  /** Runs `fn` in a write transaction that takes the write lock at once (so busy_timeout applies). */
  private write<T>(action: string, fn: () => T): T {
    return withStoreErrors(this.file, action, () => this.connection.transaction(fn).immediate());
  }

  private read<T>(action: string, fn: () => T): T {
    return withStoreErrors(this.file, action, fn);
  }

  private nowIso(): string {
    return iso(this.now());
  }

  private notFound(id: string, action: string): StoreError {
    return new StoreError('not_found', `Cannot finish ${action}: there is no run ${id} in ${this.file}.`, this.file);
  }

  private mustExist(id: string, action: string): void {
    if (!this.s.runExists.get(id)) throw this.notFound(id, action);
  }

  // ---------- runs ----------

  /** Stores a new run as 'queued'. Idempotent: an existing id returns the stored run with `existed: true`. */
  createRun(input: NewRun): CreateRunResult {
    const action = `creating run ${input.id}`;
    if (typeof input.id !== 'string' || input.id === '') throw new StoreError('invalid', `Cannot create a run without an id.`, this.file);
    if (!Number.isSafeInteger(input.totalRounds) || input.totalRounds <= 0) {
      throw new StoreError(
        'invalid',
        `Cannot finish ${action}: totalRounds must be a positive integer, got ${input.totalRounds}.`,
        this.file,
      );
    }
    const specJson = JSON.stringify(input.spec);
    return this.write(action, () => {
      const inserted = this.s.insertRun.run({
        id: input.id,
        name: input.name ?? null,
        spec_json: specJson,
        canonical: input.canonical,
        created_at: this.nowIso(),
        experiment_id: input.experimentId ?? null,
        reused_training: input.reusedTraining ?? null,
        total_rounds: input.totalRounds,
      });
      const run = runFromRow(this.s.getRun.get(input.id) as RunRow);
      if (inserted.changes === 0 && run.canonical !== input.canonical) {
        throw new StoreError(
          'conflict',
          `Cannot finish ${action}: a different run with the same id is already stored (canonical ${run.canonical}, new ${input.canonical}).`,
          this.file,
        );
      }
      return { run, existed: inserted.changes === 0 };
    });
  }

  getRun(id: string): RunRecord | null {
    return this.read(`reading run ${id}`, () => {
      const row = this.s.getRun.get(id) as RunRow | undefined;
      return row ? runFromRow(row) : null;
    });
  }

  /** Runs, newest first, optionally filtered by status (one or several) and experiment. */
  listRuns(opts: ListRunsOptions = {}): RunRecord[] {
    const statuses = opts.status === undefined ? null : typeof opts.status === 'string' ? [opts.status] : [...opts.status];
    const limit = opts.limit === undefined ? -1 : Math.max(0, Math.floor(opts.limit));
    return this.read('listing runs', () =>
      (
        this.s.listRuns.all({ statuses: statuses && JSON.stringify(statuses), experiment_id: opts.experimentId ?? null, limit }) as RunRow[]
      ).map(runFromRow),
    );
  }

  /** Runs whose id starts with `prefix` (short ids typed by a user), newest first. Empty prefix: none. */
  findRuns(prefix: string): RunRecord[] {
    if (prefix === '') return [];
    return this.read(`looking up runs starting with "${prefix}"`, () => (this.s.findRuns.all({ p: prefix }) as RunRow[]).map(runFromRow));
  }

  /**
   * Moves a run to `status`. Also: 'queued' clears the error (a fresh attempt) and the finish time; 'running'
   * sets the start time once; a final status sets the finish time; leaving 'running' drops the owner.
   * Fields of `change` that are omitted stay as they are; null clears them.
   */
  setStatus(id: string, status: RunStatus, change: StatusChange = {}): RunRecord {
    const action = `setting run ${id} to ${status}`;
    if (!RUN_STATUSES.includes(status)) {
      throw new StoreError('invalid', `Cannot finish ${action}: the status must be one of ${RUN_STATUSES.join(', ')}.`, this.file);
    }
    return this.write(action, () => {
      const res = this.s.setStatus.run({
        id,
        status,
        now: this.nowIso(),
        final: FINAL_STATUSES.includes(status) ? 1 : 0,
        set_error: change.error !== undefined ? 1 : 0,
        error: change.error ?? null,
        set_backend: change.backend !== undefined ? 1 : 0,
        backend: change.backend ?? null,
        set_backend_reason: change.backendReason !== undefined ? 1 : 0,
        backend_reason: change.backendReason ?? null,
      });
      if (res.changes === 0) this.mustExist(id, action);
      return runFromRow(this.s.getRun.get(id) as RunRow);
    });
  }

  /**
   * Marks the run 'running' for process `pid` (on this machine) and starts its heartbeat. Refuses, with a
   * 'conflict' error, a run that another live process is training: one writer per run.
   */
  claimRun(id: string, pid: number): RunRecord {
    const action = `claiming run ${id} for process ${pid}`;
    return this.write(action, () => {
      const row = this.s.ownerOf.get(id) as OwnerRow | undefined;
      if (!row) throw this.notFound(id, action);
      const mine = pid === process.pid;
      if (row.status === 'running') {
        const sameOwner = row.owner_pid === pid && row.owner_host === HOST && (!mine || row.owner_token === PROCESS_TOKEN);
        if (!sameOwner && row.owner_pid !== null && this.lifeProblem(row) === null) {
          throw new StoreError(
            'conflict',
            `Cannot claim run ${id}: process ${row.owner_pid} on ${row.owner_host ?? 'an unknown host'} is training it (last heartbeat ${row.heartbeat_at ?? 'never'}).`,
            this.file,
          );
        }
      }
      this.s.claim.run({ id, pid, host: HOST, token: mine ? PROCESS_TOKEN : null, now: this.nowIso() });
      return runFromRow(this.s.getRun.get(id) as RunRow);
    });
  }

  /**
   * Records that the owner is alive and where it is. Returns false when the run is no longer 'running'
   * (cancelled, or reconciled as interrupted by another process): the caller should stop writing to it.
   */
  heartbeat(id: string, at: { round: number; iteration: number }): boolean {
    return this.write(`recording progress of run ${id}`, () => {
      return this.s.heartbeat.run({ id, round: at.round, iteration: at.iteration, now: this.nowIso() }).changes > 0;
    });
  }

  /** Why a running run's owner is known to be gone or silent, or null when it may still be training. */
  private lifeProblem(row: OwnerRow, staleAfterMs = this.staleAfterMs): string | null {
    const owner = { pid: row.owner_pid, host: row.owner_host, token: row.owner_token };
    const gone = ownerGoneReason(owner);
    if (gone) return gone;
    const ours = owner.pid === process.pid && owner.host === HOST && owner.token === PROCESS_TOKEN;
    if (ours) return null; // this very process claimed it: alive by definition
    const lastSign = row.heartbeat_at ?? row.claimed_at ?? row.started_at ?? row.created_at;
    const silentMs = this.now() - Date.parse(lastSign);
    if (silentMs > staleAfterMs) {
      const where = owner.pid === null ? '' : ` (process ${owner.pid} on ${owner.host ?? 'an unknown host'})`;
      return `no heartbeat from its trainer${where} for ${formatDuration(silentMs)}`;
    }
    return null;
  }

  /**
   * Runs left 'running' by a process that has ended (pid gone on this machine), or whose heartbeat is older
   * than the staleness limit, become 'interrupted' with the reason as their error. Returns those runs.
   */
  reconcileInterrupted(opts: { staleAfterMs?: number } = {}): InterruptedRun[] {
    return this.write('checking for interrupted runs', () => {
      const now = this.nowIso();
      const changed: InterruptedRun[] = [];
      for (const row of this.s.runningRuns.all() as (OwnerRow & { id: string })[]) {
        const reason = this.lifeProblem(row, opts.staleAfterMs ?? this.staleAfterMs);
        if (reason === null) continue;
        this.s.interrupt.run({ id: row.id, now, error: `Interrupted: ${reason}. Resume it to continue from its last completed round.` });
        changed.push({ id: row.id, reason });
      }
      return changed;
    });
  }

  /** Deletes a run with its rounds, evaluations and tensors, and gives the space back to the disk. */
  deleteRun(id: string): boolean {
    const deleted = this.write(`deleting run ${id}`, () => this.s.deleteRun.run(id).changes > 0);
    if (deleted) this.read(`reclaiming the space of run ${id}`, () => this.connection.pragma('incremental_vacuum'));
    return deleted;
  }

  // ---------- evaluations ----------

  /** Stores one evaluation of a round in progress (again for the same iteration: replaced). */
  addEval(runId: string, round: number, point: EvalPoint): void {
    this.write(`saving the evaluation at iteration ${point.iteration} of round ${round} of run ${runId}`, () => {
      this.s.upsertEval.run(evalParams(runId, round, point));
    });
  }

  /** Evaluation curves, one per round that has any (the round in progress included), or of one round. */
  getEvals(runId: string, round?: number): EvalCurve[] {
    return this.read(`reading the evaluations of run ${runId}`, () =>
      groupEvals((round === undefined ? this.s.evals.all(runId) : this.s.evalsOfRound.all(runId, round)) as EvalRow[]),
    );
  }

  /**
   * Deletes the evaluations streamed for `round` (and any later round) that never completed, so a resumed
   * round starts with a clean curve. Completed rounds are never touched. Returns the number deleted.
   */
  discardPartialRound(runId: string, round: number): number {
    return this.write(
      `discarding the unfinished round ${round} of run ${runId}`,
      () => this.s.discardPartial.run({ run_id: runId, round }).changes,
    );
  }

  // ---------- rounds and tensors ----------

  /**
   * Stores a completed round: its summary and all its tensors, in ONE transaction. If anything fails
   * (disk full, a crash, a lock timeout), none of the round is stored and earlier rounds are untouched.
   */
  completeRound(runId: string, round: number, result: { summary: RoundSummaryInput; tensors: readonly TensorInput[] }): RoundRecord {
    const action = `saving round ${round} of run ${runId}`;
    if (!Number.isSafeInteger(round) || round < 0)
      throw new StoreError('invalid', `Cannot finish ${action}: the round must be a non-negative integer.`, this.file);
    if (result.summary.round !== undefined && result.summary.round !== round) {
      throw new StoreError('invalid', `Cannot finish ${action}: the summary is of round ${result.summary.round}.`, this.file);
    }
    const encoded = encodeRoundTensors(this.file, `round ${round} of run ${runId}`, result.tensors); // before the lock
    return this.write(action, () => {
      this.mustExist(runId, action);
      if (this.s.roundExists.get(runId, round)) {
        throw new StoreError('conflict', `Cannot finish ${action}: round ${round} of run ${runId} is already stored.`, this.file);
      }
      const finishedAt = this.nowIso();
      this.s.insertRound.run(roundParams(runId, round, result.summary, finishedAt));
      for (const t of encoded) this.s.insertTensor.run({ run_id: runId, round, ...t });
      this.s.touchRun.run({ id: runId, now: finishedAt });
      return roundFromRow(this.s.round.get(runId, round) as RoundRow);
    });
  }

  getRounds(runId: string): RoundRecord[] {
    return this.read(`reading the rounds of run ${runId}`, () => (this.s.rounds.all(runId) as RoundRow[]).map(roundFromRow));
  }

  /** The highest completed round, or null when none is. */
  lastCompletedRound(runId: string): number | null {
    return this.read(`reading the rounds of run ${runId}`, () => (this.s.lastRound.get(runId) as number | null) ?? null);
  }

  /** A stored tensor's values (Float32Array for weights, 0/1 Uint8Array for masks), or null. */
  getTensor(runId: string, round: number, layer: string, role: FloatRole): Float32Array | null;
  getTensor(runId: string, round: number, layer: string, role: MaskRole): Uint8Array | null;
  getTensor(runId: string, round: number, layer: string, role: TensorRole): Float32Array | Uint8Array | null;
  getTensor(runId: string, round: number, layer: string, role: TensorRole): Float32Array | Uint8Array | null {
    return this.getTensorRecord(runId, round, layer, role)?.data ?? null;
  }

  /** A stored tensor with its shape and encoding, or null. */
  getTensorRecord(runId: string, round: number, layer: string, role: TensorRole): TensorRecord | null {
    return this.read(`reading tensor ${role} of layer ${layer}, round ${round} of run ${runId}`, () => {
      const row = this.s.tensor.get(runId, round, layer, role) as { shape_json: string; encoding: string; data: Buffer } | undefined;
      if (!row) return null;
      const shape = JSON.parse(row.shape_json) as number[];
      let data: Float32Array | Uint8Array;
      try {
        data = decodeTensor(row.encoding, row.data, shapeSize(shape));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new StoreError(
          'corrupt',
          `Tensor ${role} of layer ${layer}, round ${round} of run ${runId} in ${this.file} cannot be read: ${reason}.`,
          this.file,
          null,
          { cause: err },
        );
      }
      return { runId, round, layer, role: role, shape, encoding: row.encoding, data };
    });
  }

  /** What tensors a completed round has, without decoding them. */
  listTensors(runId: string, round: number): TensorInfo[] {
    return this.read(`listing the tensors of round ${round} of run ${runId}`, () =>
      (
        this.s.tensorInfo.all(runId, round) as { layer: string; role: TensorRole; shape_json: string; encoding: string; bytes: number }[]
      ).map((r) => ({
        layer: r.layer,
        role: r.role,
        shape: JSON.parse(r.shape_json) as number[],
        encoding: r.encoding,
        bytes: r.bytes,
      })),
    );
  }

  // ---------- experiments ----------

  /** Idempotent: an experiment id is a content hash, so an existing row is the same experiment. */
  createExperiment(input: { id: string; name: string | null; spec: unknown }): { experiment: ExperimentRecord; existed: boolean } {
    return this.write(`saving experiment ${input.id}`, () => {
      const inserted = this.s.insertExperiment.run({
        id: input.id,
        name: input.name,
        spec_json: JSON.stringify(input.spec),
        created_at: this.nowIso(),
      }).changes;
      return { experiment: experimentFromRow(this.s.getExperiment.get(input.id) as ExperimentRow), existed: inserted === 0 };
    });
  }

  getExperiment(id: string): ExperimentRecord | null {
    return this.read(`reading experiment ${id}`, () => {
      const row = this.s.getExperiment.get(id) as ExperimentRow | undefined;
      return row ? experimentFromRow(row) : null;
    });
  }

  listExperiments(limit = 1000): ExperimentRecord[] {
    return this.read('listing experiments', () => (this.s.listExperiments.all(limit) as ExperimentRow[]).map(experimentFromRow));
  }

  findExperiments(prefix: string): ExperimentRecord[] {
    return this.read(`looking up experiments starting with "${prefix}"`, () =>
      (this.s.findExperiments.all({ p: prefix }) as ExperimentRow[]).map(experimentFromRow),
    );
  }

  // ---------- reuse of dense trainings ----------

  setTrainingKey(runId: string, key: string): void {
    this.write(`saving the training key of run ${runId}`, () => this.s.setTrainingKey.run({ id: runId, key }));
  }

  /** Another run whose completed round 0 has this training key, or null. */
  findTrainingDonor(key: string, excludeRunId: string): string | null {
    return this.read('looking for a stored training to reuse', () => (this.s.trainingDonor.get({ key, id: excludeRunId }) as string | undefined) ?? null);
  }

  /**
   * Copies a completed round (summary, evaluations, tensors) from one run to another in one transaction,
   * and records on the receiving run which stored training it reused.
   */
  copyRound(from: string, to: string, round: number, reusedTraining: string): void {
    this.write(`reusing round ${round} of run ${from} in run ${to}`, () =>
      this.connection.transaction(() => {
        if (this.s.roundExists.get(to, round)) return;
        this.s.deleteEvalsOfRound.run(to, round);
        const n = this.s.copyRoundRow.run({ from, to, round, now: this.nowIso() }).changes;
        if (n !== 1) throw new StoreError('not_found', `run ${from} has no completed round ${round} to reuse`, this.file);
        this.s.copyEvals.run({ from, to, round });
        this.s.copyTensors.run({ from, to, round });
        this.s.setReused.run({ id: to, reused: reusedTraining });
      }).immediate(),
    );
  }

  /** Everything the run view shows, read from one consistent snapshot. */
  getRunDetail(id: string): RunDetail | null {
    return this.read(`reading run ${id}`, () =>
      this.connection.transaction((): RunDetail | null => {
        const row = this.s.getRun.get(id) as RunRow | undefined;
        if (!row) return null;
        const run = runFromRow(row);
        return {
          summary: toRunSummary(run),
          spec: run.spec,
          canonical: run.canonical,
          backendReason: run.backendReason,
          rounds: (this.s.rounds.all(id) as RoundRow[]).map(roundFromRow),
          evals: groupEvals(this.s.evals.all(id) as EvalRow[]),
        };
      })(),
    );
  }
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.round(m / 60)} h`;
}
