// The runs service: creates runs from specs, queues them, trains them in a pool of worker threads, writes
// everything to the run store first and emits events second. The CLI and the app both sit on top of it.
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { resolveRunSpec, type RunSpec } from '../../common/spec';
import { expandExperiment, variantLabel } from '../../common/experiment';
import { NETS } from '../../common/nets';
import type { EvalPoint, Events, EventName, RunStatus, BackendInfo } from '../../common/contract';
import type { Store } from '../store/db';
import { runIdOf, experimentIdOf, trainingKeyOf } from './id';
import { canonicalSpecString } from '../../common/spec';
import { resolveWorkerPath } from './worker-path';
import { NotFoundError } from './queries';
import type { JobMessage, ResumeState, WorkerMessage } from './messages';
import type { SpeedMeasurement } from './measure';
import type { NetId } from '../../common/nets';
import type { BackendPref } from '../../common/spec';

export type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface RunsServiceOptions {
  /** Trainer worker threads (runs in parallel). Default: one per core. */
  workers?: number;
  workerPath?: string;
}

interface Slot {
  worker: Worker;
  runId: string | null;
  /** Training key of the dense round this slot is training right now (other runs with it wait, then reuse). */
  denseKey: string | null;
  cancel: SharedArrayBuffer | null;
  ready: Promise<void>;
}

interface LiveRun {
  round: number;
  iteration: number;
  loss: number;
  itPerSec: number;
  lastAt: number | null;
  lastIteration: number;
  roundWalls: number[];
}

export class RunsService {
  private readonly slots: Slot[] = [];
  private readonly queue: string[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly live = new Map<string, LiveRun>();
  private readonly waiters = new Map<string, ((s: RunStatus) => void)[]>();
  private readonly workerPath: string;
  private closed = false;
  backend: BackendInfo | null = null;
  /** What 'auto' resolves to on this machine (reported by the first worker). */
  private autoBackend: BackendInfo | null = null;

  constructor(
    readonly store: Store,
    opts: RunsServiceOptions = {},
  ) {
    this.workerPath = opts.workerPath ?? resolveWorkerPath();
    const n = Math.max(1, opts.workers ?? os.availableParallelism());
    for (let i = 0; i < n; i++) this.slots.push(this.spawn());
    // Runs queued by an earlier session go back in the queue; runs that died mid-way are 'interrupted'.
    store.reconcileInterrupted();
    for (const r of store.listRuns({ status: 'queued' }).reverse()) this.queue.push(r.id);
    this.pump();
  }

  get workerCount(): number {
    return this.slots.length;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        /* a broken listener must not break training */
      }
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerPath);
    let markReady!: () => void;
    const slot: Slot = { worker, runId: null, denseKey: null, cancel: null, ready: new Promise<void>((r) => (markReady = r)) };
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ready') {
        if (msg.backend && !this.autoBackend) this.autoBackend = msg.backend;
        if (msg.backend && !this.backend) this.backend = msg.backend;
        markReady();
        this.pump();
        return;
      }
      this.onWorkerMessage(slot, msg);
    });
    worker.on('error', (err) => this.onWorkerDied(slot, `trainer worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerDied(slot, `trainer worker exited with code ${code}`);
    });
    return slot;
  }

  private onWorkerDied(slot: Slot, message: string): void {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    const runId = slot.runId;
    slot.runId = null;
    slot.denseKey = null;
    void slot.worker.terminate().catch(() => undefined);
    if (runId) this.finish(runId, 'failed', message);
    if (!this.closed) {
      this.slots[idx] = this.spawn();
      this.pump();
    }
  }

  /** Validate, store and queue a run. An identical spec maps to the same run id and is not run twice. */
  create(input: unknown, opts: { experimentId?: string } = {}): { id: string; existed: boolean; status: RunStatus } {
    const spec = resolveRunSpec(input);
    const id = runIdOf(spec);
    const existing = this.store.getRun(id);
    if (existing) {
      if (existing.status === 'interrupted' || existing.status === 'failed' || existing.status === 'cancelled') {
        return { id, existed: true, status: existing.status };
      }
      return { id, existed: true, status: existing.status };
    }
    this.store.createRun({
      id,
      name: spec.name ?? null,
      spec,
      canonical: canonicalSpecString(spec),
      totalRounds: spec.pruning.rounds,
      experimentId: opts.experimentId ?? null,
    });
    this.enqueue(id);
    return { id, existed: false, status: 'queued' };
  }

  /** Expand an experiment spec, store it and queue its runs (runs that already exist are not run twice). */
  createExperiment(input: unknown): { id: string; existed: boolean; runs: number; queued: number; runIds: string[] } {
    const expanded = expandExperiment(input);
    const runIds = expanded.runs.map((r) => runIdOf(r.spec));
    const id = experimentIdOf(runIds);
    const { existed } = this.store.createExperiment({ id, name: expanded.name, spec: input });
    let queued = 0;
    expanded.runs.forEach((r, i) => {
      if (this.store.getRun(runIds[i])) return;
      this.store.createRun({
        id: runIds[i],
        name: r.spec.name ?? null,
        spec: r.spec,
        canonical: canonicalSpecString(r.spec),
        totalRounds: r.spec.pruning.rounds,
        experimentId: id,
      });
      this.queue.push(runIds[i]);
      queued++;
      this.emit('run.status', { runId: runIds[i], status: 'queued', error: null, backend: null });
    });
    this.pump();
    return { id, existed, runs: runIds.length, queued, runIds };
  }

  /** Dense trainings an experiment would train, and how many of its runs would reuse one instead. */
  previewExperiment(input: unknown): { id: string; runs: number; newRuns: number; reusedDense: number; variants: string[]; seeds: number[] } {
    const expanded = expandExperiment(input);
    const runIds = expanded.runs.map((r) => runIdOf(r.spec));
    const keys = new Set<string>();
    let reusedDense = 0;
    for (const r of expanded.runs) {
      const key = this.trainingKey(r.spec) ?? JSON.stringify([r.spec.net, r.spec.dataset, r.spec.seed, r.spec.training, r.spec.backend]);
      if (keys.has(key)) reusedDense++;
      keys.add(key);
    }
    return {
      id: experimentIdOf(runIds),
      runs: runIds.length,
      newRuns: runIds.filter((id) => !this.store.getRun(id)).length,
      reusedDense,
      variants: [...new Set(expanded.runs.map((r) => variantLabel(r.variant)))],
      seeds: expanded.seeds,
    };
  }

  private enqueue(id: string): void {
    this.store.setStatus(id, 'queued');
    if (!this.queue.includes(id)) this.queue.push(id);
    this.emit('run.status', { runId: id, status: 'queued', error: null, backend: null });
    this.pump();
  }

  /** Continue an interrupted, cancelled or failed run from its last completed round. */
  resume(id: string): { id: string; status: RunStatus } {
    const run = this.mustGet(id);
    if (run.status === 'completed' || run.status === 'running' || run.status === 'queued') return { id, status: run.status };
    this.enqueue(id);
    return { id, status: 'queued' };
  }

  cancel(id: string): { id: string; status: RunStatus } {
    const run = this.mustGet(id);
    const q = this.queue.indexOf(id);
    if (q >= 0) {
      this.queue.splice(q, 1);
      this.finish(id, 'cancelled', null);
      return { id, status: 'cancelled' };
    }
    const slot = this.slots.find((s) => s.runId === id);
    if (slot?.cancel) {
      Atomics.store(new Int32Array(slot.cancel), 0, 1);
      return { id, status: 'running' };
    }
    return { id, status: run.status };
  }

  delete(id: string): { id: string; deleted: boolean } {
    const run = this.store.getRun(id);
    if (!run) return { id, deleted: false };
    if (run.status === 'running' || run.status === 'queued') throw new Error(`run ${id} is ${run.status}: cancel it before deleting`);
    this.store.deleteRun(id);
    return { id, deleted: true };
  }

  /** Resolves when the run reaches a final state (completed, failed, cancelled). */
  waitFor(id: string): Promise<RunStatus> {
    const run = this.mustGet(id);
    if (['completed', 'failed', 'cancelled', 'interrupted'].includes(run.status) && !this.queue.includes(id) && !this.slots.some((s) => s.runId === id)) {
      return Promise.resolve(run.status);
    }
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  private mustGet(id: string) {
    const run = this.store.getRun(id);
    if (!run) throw new NotFoundError(`no run with id ${id}`);
    return run;
  }

  /** The backend a spec's preference resolves to here, or null while no worker has reported yet. */
  private resolvedBackend(spec: RunSpec): string | null {
    return spec.backend === 'auto' ? (this.autoBackend?.name ?? null) : spec.backend;
  }

  private trainingKey(spec: RunSpec): string | null {
    const backend = this.resolvedBackend(spec);
    return backend ? trainingKeyOf(spec, backend) : null;
  }

  /**
   * Hands queued runs to idle workers. A run whose dense round is being trained right now by another worker
   * waits (it will reuse that training), so runs sharing a first training never train it twice; GPU runs go
   * one after another.
   */
  private pump(): void {
    if (this.closed) return;
    const gpu = this.autoBackend?.name === 'tensorflow-gpu';
    for (const slot of this.slots) {
      if (slot.runId || this.queue.length === 0) continue;
      if (gpu && this.slots.some((s) => s.runId)) return;
      const busyKeys = new Set(this.slots.map((s) => s.denseKey).filter((k): k is string => k !== null));
      const pick = this.queue.findIndex((id) => {
        if (busyKeys.size === 0) return true;
        const run = this.store.getRun(id);
        if (!run || run.roundsDone > 0) return true;
        const key = this.trainingKey(run.spec as RunSpec);
        return !key || !busyKeys.has(key);
      });
      if (pick < 0) return;
      const [id] = this.queue.splice(pick, 1);
      slot.runId = id;
      void slot.ready.then(() => this.startOn(slot, id));
    }
  }

  private startOn(slot: Slot, id: string): void {
    try {
      const run = this.mustGet(id);
      const spec = run.spec as RunSpec;
      let last = this.store.lastCompletedRound(id);
      let resume: ResumeState | undefined;
      slot.denseKey = null;
      if (last === null) {
        // Reuse a stored dense training with the same content key instead of training it again.
        const key = this.trainingKey(spec);
        if (key) {
          this.store.setTrainingKey(id, key);
          const donor = this.store.findTrainingDonor(key, id);
          if (donor) {
            this.store.discardPartialRound(id, 0);
            this.store.copyRound(donor, id, 0, donor);
            last = 0;
            const copied = this.store.getRounds(id)[0];
            if (copied) this.emit('run.round', { runId: id, round: copied });
          } else slot.denseKey = key;
        }
      }
      if (last !== null && last >= spec.pruning.rounds - 1) {
        slot.runId = null;
        this.finish(id, 'completed', null);
        this.pump();
        return;
      }
      this.store.discardPartialRound(id, last === null ? 0 : last + 1);
      if (last !== null) resume = this.loadResume(id, spec, last);
      const cancel = new SharedArrayBuffer(4);
      slot.cancel = cancel;
      this.store.claimRun(id, process.pid);
      this.live.set(id, { round: last === null ? 0 : last + 1, iteration: 0, loss: NaN, itPerSec: 0, lastAt: null, lastIteration: 0, roundWalls: [] });
      this.emit('run.status', { runId: id, status: 'running', error: null, backend: null });
      const job: JobMessage = { type: 'job', runId: id, spec, resume, cancel };
      slot.worker.postMessage(job);
    } catch (err) {
      slot.runId = null;
      this.finish(id, 'failed', err instanceof Error ? err.message : String(err));
      this.pump();
    }
  }

  private loadResume(id: string, spec: RunSpec, last: number): ResumeState {
    const net = NETS[spec.net];
    const get = <T extends Float32Array | Uint8Array>(round: number, layer: string, role: 'w_start' | 'w_f' | 'mask'): T => {
      const t = this.store.getTensor(id, round, layer, role);
      if (!t) throw new Error(`cannot resume run ${id}: stored tensor ${role} of layer ${layer}, round ${round} is missing`);
      return t as T;
    };
    return {
      lastRound: last,
      wStart: net.layers.map((l) => get<Float32Array>(last, l.name, 'w_start')),
      wF: net.layers.map((l) => get<Float32Array>(last, l.name, 'w_f')),
      mask: net.layers.map((l) => get<Uint8Array>(last, l.name, 'mask')),
      ...(spec.pruning.mode === 'one_shot' ? { denseWF: net.layers.map((l) => get<Float32Array>(0, l.name, 'w_f')) } : {}),
    };
  }

  private onWorkerMessage(slot: Slot, msg: WorkerMessage): void {
    if (msg.type === 'ready' || msg.type === 'measured' || msg.type === 'doctor') return;
    const id = msg.runId;
    const live = this.live.get(id);
    switch (msg.type) {
      case 'backend':
        this.backend = msg.info;
        this.store.setStatus(id, 'running', { backend: msg.info.name, backendReason: msg.info.reason });
        this.emit('run.status', { runId: id, status: 'running', error: null, backend: msg.info.name });
        break;
      case 'round-start':
        if (live) {
          live.round = msg.round;
          live.iteration = 0;
          live.lastAt = null;
          live.lastIteration = 0;
        }
        break;
      case 'progress': {
        if (live) {
          if (live.lastAt !== null && msg.at > live.lastAt && msg.iteration > live.lastIteration) {
            const rate = ((msg.iteration - live.lastIteration) * 1000) / (msg.at - live.lastAt);
            live.itPerSec = live.itPerSec ? 0.7 * live.itPerSec + 0.3 * rate : rate;
          }
          live.lastAt = msg.at;
          live.lastIteration = msg.iteration;
          live.round = msg.round;
          live.iteration = msg.iteration;
          live.loss = msg.loss;
        }
        // Another process may have declared this run interrupted after a long silence: claim it back.
        if (!this.store.heartbeat(id, { round: msg.round, iteration: msg.iteration })) this.store.claimRun(id, process.pid);
        const spec = this.store.getRun(id)?.spec as RunSpec | undefined;
        if (spec) this.emit('run.progress', this.progressEvent(id, spec, live));
        break;
      }
      case 'eval':
        this.store.addEval(id, msg.round, msg.point);
        this.emit('run.eval', { runId: id, round: msg.round, point: msg.point as EvalPoint });
        break;
      case 'round':
        this.store.completeRound(id, msg.summary.round, { summary: msg.summary, tensors: msg.tensors });
        if (msg.summary.round === 0 && slot.denseKey) {
          slot.denseKey = null;
          this.pump(); // runs waiting for this dense training can start now and reuse it
        }
        live?.roundWalls.push(msg.summary.wallMs);
        this.emit('run.round', { runId: id, round: msg.summary });
        break;
      case 'done':
        slot.runId = null;
        slot.denseKey = null;
        slot.cancel = null;
        this.finish(id, msg.status, null);
        this.pump();
        break;
      case 'error':
        slot.runId = null;
        slot.denseKey = null;
        slot.cancel = null;
        this.finish(id, 'failed', msg.message);
        this.pump();
        break;
    }
  }

  private progressEvent(id: string, spec: RunSpec, live: LiveRun | undefined) {
    const iterations = spec.training.iterations;
    const round = live?.round ?? 0;
    const iteration = live?.iteration ?? 0;
    let eta: number | null = null;
    const roundsLeft = spec.pruning.rounds - round - 1;
    if (live && live.roundWalls.length > 0) {
      const avg = live.roundWalls.reduce((a, b) => a + b, 0) / live.roundWalls.length / 1000;
      eta = avg * (1 - iteration / iterations) + avg * roundsLeft;
    } else if (live && live.itPerSec > 0) {
      eta = (iterations - iteration + roundsLeft * iterations) / live.itPerSec;
    }
    return {
      runId: id,
      round,
      totalRounds: spec.pruning.rounds,
      iteration,
      iterations,
      loss: live?.loss ?? NaN,
      itPerSec: live?.itPerSec ?? 0,
      etaSeconds: eta,
    };
  }

  private finish(id: string, status: RunStatus, error: string | null): void {
    this.live.delete(id);
    try {
      this.store.setStatus(id, status, error ? { error } : {});
    } catch (err) {
      error = `${error ?? ''} (and saving the status failed: ${err instanceof Error ? err.message : String(err)})`;
    }
    const backend = this.store.getRun(id)?.backend ?? null;
    this.emit('run.status', { runId: id, status, error, backend });
    for (const w of this.waiters.get(id) ?? []) w(status);
    this.waiters.delete(id);
  }

  private readonly speeds = new Map<string, Promise<SpeedMeasurement>>();
  private measureSeq = 0;

  /**
   * Measured training speed of a net on the backend a run would get, from a short benchmark in a
   * separate, short-lived worker (so queued training is not delayed). Cached per session.
   */
  measure(net: NetId, batchSize: number, backend: BackendPref): Promise<SpeedMeasurement> {
    const key = `${net}/${batchSize}/${backend}`;
    let p = this.speeds.get(key);
    if (!p) {
      p = new Promise<SpeedMeasurement>((resolve, reject) => {
        const worker = new Worker(this.workerPath);
        const requestId = ++this.measureSeq;
        const done = (fn: () => void) => {
          fn();
          void worker.terminate().catch(() => undefined);
        };
        worker.on('message', (msg: WorkerMessage) => {
          if (msg.type === 'ready') worker.postMessage({ type: 'measure', requestId, net, batchSize, backend });
          else if (msg.type === 'measured' && msg.requestId === requestId) {
            done(() => (msg.result ? resolve(msg.result) : reject(new Error(msg.error ?? 'measurement failed'))));
          }
        });
        worker.on('error', (err) => done(() => reject(err)));
      });
      p.catch(() => this.speeds.delete(key));
      this.speeds.set(key, p);
    }
    return p;
  }

  /** Live progress of a running run (for list views). */
  liveProgress(id: string): { round: number; iteration: number } | null {
    const l = this.live.get(id);
    return l ? { round: l.round, iteration: l.iteration } : null;
  }

  /** Stop all workers. Running runs are left 'running' with this pid and become 'interrupted' on next open. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) {
      if (s.cancel) Atomics.store(new Int32Array(s.cancel), 0, 1);
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate().catch(() => undefined)));
    for (const s of this.slots) {
      if (s.runId) this.store.setStatus(s.runId, 'interrupted', { error: 'the app closed while this run was training' });
    }
  }
}
