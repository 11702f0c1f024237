// The app's services behind the IPC contract: one Handlers object used by both transports
// (Electron IPC and browser mode's HTTP + WebSocket).
import os from 'node:os';
import { NETS, NET_IDS, netParamCounts } from '../../common/nets';
import { defaultSpec, resolveRunSpec, canonicalSpecString, SpecError, type RunSpec } from '../../common/spec';
import { PRESETS } from '../../common/presets';
import type { DoctorReport, Handlers, Events, EventName, Registry } from '../../common/contract';
import { openStore, defaultDbPath } from '../store/db';
import { RunsService } from '../runs/service';
import { runIdOf } from '../runs/id';
import { runDetail, listSummaries } from '../runs/queries';
import { runCsv } from '../runs/export';
import { listExperiments, experimentDetail, experimentCsv } from '../runs/experiments';
import { CRITERIA_LIST, MASK1_LIST, MASK0_LIST } from '../science/registry';
import { DATASETS, datasetAvailability } from '../data/datasets';
import { estimateFromSpeed } from '../runs/estimate';
import { resolveWorkerPath } from '../runs/worker-path';
import { doctorInWorker } from './doctor';

export interface AppServices {
  handlers: Handlers;
  subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
  close(): Promise<void>;
}

export interface AppServicesOptions {
  dbPath?: string;
  mode: 'electron' | 'browser';
  nativeBinding?: string;
  workers?: number;
  version?: string;
}

export const OPTIMIZERS = [
  { id: 'adam', label: 'Adam', description: 'Adam (β1 0.9, β2 0.999, ε 1e-8): the optimizer of Z19 and Frankle & Carbin.' },
  { id: 'sgd', label: 'SGD', description: 'Plain stochastic gradient descent.' },
  { id: 'momentum', label: 'SGD + momentum', description: 'SGD with (heavy-ball) momentum, set by training.momentum.' },
];

export const BACKENDS = [
  { id: 'auto', label: 'Automatic', description: 'The fastest that loads: tfjs-node-gpu (CUDA), tfjs-node, then WebAssembly, then plain JS.' },
  { id: 'tensorflow-gpu', label: 'TensorFlow GPU', description: 'tfjs-node-gpu: needs CUDA 11.2 runtime and cuDNN 8.1; not bit-deterministic.' },
  { id: 'tensorflow', label: 'TensorFlow CPU', description: 'tfjs-node: native TensorFlow on the CPU.' },
  { id: 'wasm', label: 'WebAssembly', description: 'tfjs-backend-wasm (XNNPACK, SIMD): deterministic; one thread per run.' },
  { id: 'cpu', label: 'Plain JavaScript', description: 'tfjs-backend-cpu: slow; for tiny tests only.' },
];

export function buildRegistry(): Registry {
  return {
    nets: NET_IDS.map((id) => {
      const net = NETS[id];
      return {
        id,
        label: net.label,
        description: `${net.layers.map((l) => `${l.kind} ${l.kernelShape[l.kernelShape.length - 1]}`).join(', ')}`,
        params: netParamCounts(net).total,
        layers: net.layers.map((l) => ({ name: l.name, kind: l.kind, shape: l.kernelShape })),
      };
    }),
    criteria: CRITERIA_LIST,
    mask1: MASK1_LIST,
    mask0: MASK0_LIST,
    optimizers: OPTIMIZERS,
    backends: BACKENDS,
    presets: PRESETS,
    defaults: Object.fromEntries(NET_IDS.map((n) => [n, defaultSpec(n)])) as Registry['defaults'],
  };
}

export async function createAppServices(opts: AppServicesOptions): Promise<AppServices> {
  const dbPath = opts.dbPath ?? defaultDbPath();
  const store = openStore(dbPath, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : undefined);
  const runs = new RunsService(store, { workers: opts.workers });
  const registry = buildRegistry();
  // The doctor's report, probed once per session in a short-lived worker (loading backends and the GPU
  // probe take seconds; main never waits on them). A failed probe is not cached, so it can be retried.
  let doctor: Promise<DoctorReport> | null = null;
  const doctorReport = (): Promise<DoctorReport> => {
    if (!doctor) {
      doctor = doctorInWorker(resolveWorkerPath());
      doctor.catch(() => (doctor = null));
    }
    return doctor;
  };

  const handlers: Handlers = {
    'app.info': () => ({
      version: opts.version ?? '0.1.0',
      mode: opts.mode,
      dbPath,
      backend: runs.backend,
      cores: os.availableParallelism(),
      workers: runs.workerCount,
    }),
    'app.doctor': () => doctorReport(),
    'registry.get': () => registry,
    'datasets.list': (req) =>
      Object.values(DATASETS).map((d) => ({
        id: d.id,
        label: d.label,
        description: d.description,
        needsPath: d.needsPath,
        ...datasetAvailability(d.id, d.id === 'cifar10' ? req.cifar10Path : undefined),
      })),
    'spec.validate': (req) => {
      try {
        const spec: RunSpec = resolveRunSpec(req.spec);
        return { ok: true, id: runIdOf(spec), spec, canonical: canonicalSpecString(spec) };
      } catch (err) {
        if (err instanceof SpecError) return { ok: false, issues: err.issues };
        throw err;
      }
    },
    'spec.estimate': async (req) => {
      const spec = resolveRunSpec(req.spec);
      const speed = await runs.measure(spec.net, spec.training.batchSize, spec.backend);
      return estimateFromSpeed(spec, speed, 'Measured just now');
    },
    'runs.list': (req) => listSummaries(store, req.limit, (id) => runs.liveProgress(id)),
    'runs.get': (req) => runDetail(store, req.id),
    'runs.create': (req) => runs.create(req.spec),
    'runs.cancel': (req) => runs.cancel(req.id),
    'runs.resume': (req) => runs.resume(req.id),
    'runs.delete': (req) => runs.delete(req.id),
    'experiments.preview': (req) => {
      try {
        return { ok: true, ...runs.previewExperiment(req.spec) };
      } catch (err) {
        if (err instanceof SpecError) return { ok: false, issues: err.issues };
        throw err;
      }
    },
    'experiments.create': (req) => {
      const r = runs.createExperiment(req.spec);
      return { id: r.id, existed: r.existed, runs: r.runs, queued: r.queued };
    },
    'experiments.list': (req) => listExperiments(store, req.limit),
    'experiments.get': (req) => experimentDetail(store, req.id, req.alpha),
    'experiments.cancel': (req) => {
      const d = experimentDetail(store, req.id);
      let cancelled = 0;
      for (const r of d.runs) {
        if (r.status === 'queued' || r.status === 'running') {
          runs.cancel(r.id);
          cancelled++;
        }
      }
      return { id: req.id, cancelled };
    },
    'experiments.exportCsv': (req) => ({ filename: `ticketlab-experiment-${req.id}.csv`, csv: experimentCsv(store, req.id) }),
    'runs.exportCsv': (req) => {
      const d = runDetail(store, req.id);
      return {
        filename: `ticketlab-${req.id}.csv`,
        csv: runCsv({ runId: req.id, spec: d.spec, backend: d.summary.backend, rounds: d.rounds, evals: d.evals }),
      };
    },
  };

  return {
    handlers,
    subscribe: (listener) => runs.subscribe(listener),
    close: async () => {
      await runs.close();
      store.close();
    },
  };
}
