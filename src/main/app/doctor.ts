// `ticketlab doctor` and the app's settings panel (channel app.doctor): which tfjs backend trains on this
// machine, what the faster ones are missing, and the setup around them (versions, cores, Electron and its
// better-sqlite3 build).
//
//  - collectDoctorFacts(): the probing. Runs the backend ladder (initBackend('auto')) in THIS process and,
//    when @tensorflow/tfjs-node-gpu is installed, its GPU probe (a child process whose libtensorflow log
//    diagnoseGpu reads). Call it in a CLI process or a worker thread, never in the app's main thread:
//    loading backends and probing take seconds. The app uses doctorInWorker().
//  - buildDoctorReport(facts): pure, turns the facts into the report and the advice sentences.
//  - formatDoctorReport(report): the CLI's human-readable text.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendInfo, DoctorBackend, DoctorReport } from '../../common/contract';
import {
  BACKEND_LADDER,
  BACKEND_PACKAGES,
  checkGpu,
  describeBackend,
  findPackage,
  initBackend,
  lastGpuProbe,
  type BackendName,
  type GpuDiagnosis,
} from '../engine/backend';

/** What tfjs-node-gpu 4.x (libtensorflow 2.9) needs, whatever newer CUDA the machine has. */
export const GPU_REQUIREMENT =
  'an NVIDIA GPU with driver ≥ 450, the CUDA 11.2 runtime (libcudart.so.11.0, cuBLAS, cuFFT, cuRAND, cuSOLVER, cuSPARSE 11) and cuDNN 8.1 (libcudnn.so.8); with only CUDA 12 it silently trains on the CPU';

export interface DoctorFacts {
  /** The ladder's outcome for 'auto', or why nothing could start. */
  backend: BackendInfo | null;
  backendError: string | null;
  /** Installed versions of the optional/native packages (null: not installed). */
  packages: { tfjsNode: string | null; tfjsNodeGpu: string | null; wasm: string | null; cpu: string | null };
  /** The tfjs-node-gpu probe's diagnosis (null when not installed), or why the probe itself failed. */
  gpu: GpuDiagnosis | null;
  gpuProbeError: string | null;
  node: string;
  v8: string;
  tfjs: string;
  cpuModel: string;
  cores: number;
  electron: { version: string | null; binary: string | null; binaryPresent: boolean };
  sqliteBinding: { path: string; present: boolean };
}

const requireHere = createRequire(import.meta.url);

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
}

/** The repository (or app) root: the nearest folder above this module holding package.json. */
export function appRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.dirname(from);
    dir = up;
  }
}

/**
 * The Electron binary the `electron` package would start: node_modules/electron/dist/<path.txt>, written
 * by its installer (`npm run fetch-electron`). Null binary when the package itself is missing.
 */
function electronFacts(): DoctorFacts['electron'] {
  let pkgDir: string;
  let version: string | null = null;
  try {
    const pkgJson = requireHere.resolve('electron/package.json');
    pkgDir = path.dirname(pkgJson);
    version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return { version: null, binary: null, binaryPresent: false };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const binary = path.join(pkgDir, 'dist', rel ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'));
  return { version, binary, binaryPresent: rel !== null && existsSync(binary) };
}

/** Probe this machine (see the header: call off the app's main thread). */
export async function collectDoctorFacts(root = appRoot()): Promise<DoctorFacts> {
  let backend: BackendInfo | null = null;
  let backendError: string | null = null;
  try {
    backend = await initBackend('auto');
  } catch (err) {
    backendError = errorText(err);
  }
  const gpuPkg = findPackage(BACKEND_PACKAGES['tensorflow-gpu']);
  let gpu: GpuDiagnosis | null = null;
  let gpuProbeError: string | null = null;
  if (gpuPkg) {
    try {
      // The ladder probed it already unless a cached backend answered; probe again only then.
      gpu = (lastGpuProbe() ?? (await checkGpu()))?.diagnosis ?? null;
    } catch (err) {
      gpuProbeError = errorText(err);
    }
  }
  const tfjsVersion = findPackage('@tensorflow/tfjs-core')?.version ?? 'unknown';
  const sqlitePath = path.join(root, '.native-electron', 'better_sqlite3.node');
  return {
    backend,
    backendError,
    packages: {
      tfjsNode: findPackage(BACKEND_PACKAGES.tensorflow)?.version ?? null,
      tfjsNodeGpu: gpuPkg?.version ?? (gpuPkg ? 'unknown' : null),
      wasm: findPackage(BACKEND_PACKAGES.wasm)?.version ?? null,
      cpu: findPackage(BACKEND_PACKAGES.cpu)?.version ?? null,
    },
    gpu,
    gpuProbeError,
    node: process.versions.node,
    v8: process.versions.v8,
    tfjs: tfjsVersion,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    electron: electronFacts(),
    sqliteBinding: { path: sqlitePath, present: existsSync(sqlitePath) },
  };
}

const INSTALL_HINT: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu':
    'For the GPU: `npm install @tensorflow/tfjs-node-gpu` (its installer downloads libtensorflow once, so it needs network access) and install CUDA 11.2 + cuDNN 8.1.',
  tensorflow: 'For native TensorFlow on the CPU: `npm install @tensorflow/tfjs-node` (its installer downloads libtensorflow once).',
};

/** The report for the facts (pure). */
export function buildDoctorReport(f: DoctorFacts, checkedAt = new Date().toISOString()): DoctorReport {
  const attempts = new Map((f.backend?.attempts ?? []).map((a) => [a.name, a]));
  const activeName = f.backend?.name ?? null;
  const versionOf: Record<BackendName, string | null> = {
    'tensorflow-gpu': f.packages.tfjsNodeGpu,
    tensorflow: f.packages.tfjsNode,
    wasm: f.packages.wasm,
    cpu: f.packages.cpu,
  };
  const backends: DoctorBackend[] = BACKEND_LADDER.map((name) => {
    const attempt = attempts.get(name);
    const base = { name, package: BACKEND_PACKAGES[name], version: versionOf[name] };
    if (name === activeName) return { ...base, status: 'active', detail: `${describeBackend(name)}: ${attempt?.detail ?? 'running'}` };
    if (attempt && !attempt.ok) return { ...base, status: 'unavailable', detail: attempt.detail };
    if (name === 'tensorflow-gpu' && f.gpu && !f.gpu.gpuActive) return { ...base, status: 'unavailable', detail: f.gpu.message };
    if (versionOf[name] === null) return { ...base, status: 'unavailable', detail: `${BACKEND_PACKAGES[name]} is not installed` };
    return { ...base, status: 'available', detail: `${describeBackend(name)}: installed, not used (a faster backend runs)` };
  });

  const gpuInstalled = f.packages.tfjsNodeGpu !== null;
  const gpuMessage = !gpuInstalled
    ? '@tensorflow/tfjs-node-gpu is not installed, so training cannot use a GPU.'
    : f.gpu
      ? f.gpu.message
      : `@tensorflow/tfjs-node-gpu is installed but its probe failed: ${f.gpuProbeError ?? 'no result'}`;

  const advice: string[] = [];
  if (!f.backend) advice.push(`No backend could start: ${f.backendError ?? 'unknown error'}. Reinstall the dependencies (npm ci).`);
  const activeIndex = activeName ? BACKEND_LADDER.indexOf(activeName) : BACKEND_LADDER.length;
  for (const b of backends.slice(0, activeIndex)) {
    if (b.name === 'tensorflow-gpu' && gpuInstalled) advice.push(gpuMessage);
    else if (b.version === null && INSTALL_HINT[b.name]) advice.push(INSTALL_HINT[b.name]!);
    else advice.push(`${b.name}: ${b.detail}`);
  }
  if (activeName === 'cpu')
    advice.push('Training runs on the plain JavaScript backend, about 30× slower than WebAssembly: check why wasm failed above.');
  if (!f.electron.binary) advice.push('The desktop app is not installed (no electron package): use browser mode (`npm start`).');
  else if (!f.electron.binaryPresent) {
    advice.push('The Electron binary is missing (its download did not run): `npm run fetch-electron`, or use browser mode (`npm start`).');
  }
  if (f.electron.binary && !f.sqliteBinding.present) {
    advice.push('better-sqlite3 is not built for Electron: `npm run build:electron-sqlite` (browser mode and the CLI do not need it).');
  }

  return {
    checkedAt,
    backend: f.backend ? { name: f.backend.name, reason: f.backend.reason, deterministic: f.backend.deterministic } : null,
    backends,
    gpu: {
      installed: gpuInstalled,
      version: f.packages.tfjsNodeGpu,
      gpuActive: activeName === 'tensorflow-gpu' || (f.gpu?.gpuActive ?? false),
      missing: f.gpu?.missing ?? [],
      message: activeName === 'tensorflow-gpu' ? (f.gpu?.message ?? 'TensorFlow runs on the GPU.') : gpuMessage,
      requires: GPU_REQUIREMENT,
    },
    versions: {
      node: f.node,
      v8: f.v8,
      tfjs: f.tfjs,
      tfjsNode: f.packages.tfjsNode,
      tfjsNodeGpu: f.packages.tfjsNodeGpu,
      electron: f.electron.version,
    },
    cpu: { model: f.cpuModel, cores: f.cores },
    electron: {
      binary: f.electron.binary,
      binaryPresent: f.electron.binaryPresent,
      sqliteBinding: f.sqliteBinding.path,
      sqliteBindingPresent: f.sqliteBinding.present,
    },
    advice,
  };
}

/** Probe and report (in this process: see the header). */
export async function runDoctor(): Promise<DoctorReport> {
  return buildDoctorReport(await collectDoctorFacts());
}

/** The report as text for a terminal. */
export function formatDoctorReport(r: DoctorReport): string {
  const width = Math.max(...r.backends.map((b) => b.name.length));
  const lines = [
    r.backend ? `Training backend: ${r.backend.name}${r.backend.deterministic ? ' (bit-deterministic)' : ''}` : 'Training backend: none could start',
    r.backend ? `  ${r.backend.reason}` : '',
    '',
    'Backends, fastest first:',
    ...r.backends.map(
      (b) =>
        `  ${b.name.padEnd(width)}  ${b.status.padEnd(11)}  ${b.version ? `${b.package}@${b.version}` : `${b.package} (not installed)`}\n  ${' '.repeat(width)}  ${b.detail}`,
    ),
    '',
    `GPU: ${r.gpu.gpuActive ? 'in use' : 'not in use'}. ${r.gpu.message}`,
    r.gpu.missing.length ? `  missing libraries: ${r.gpu.missing.join(', ')}` : '',
    `  tfjs-node-gpu needs ${r.gpu.requires}.`,
    '',
    `Versions: Node ${r.versions.node} (V8 ${r.versions.v8}), TensorFlow.js ${r.versions.tfjs}` +
      `${r.versions.tfjsNode ? `, tfjs-node ${r.versions.tfjsNode}` : ''}${r.versions.tfjsNodeGpu ? `, tfjs-node-gpu ${r.versions.tfjsNodeGpu}` : ''}` +
      `${r.versions.electron ? `, Electron ${r.versions.electron}` : ''}`,
    `CPU: ${r.cpu.model}, ${r.cpu.cores} core${r.cpu.cores === 1 ? '' : 's'} (one training run per core on WebAssembly)`,
    `Electron binary: ${r.electron.binaryPresent ? r.electron.binary : `missing${r.electron.binary ? ` (${r.electron.binary})` : ''}`}`,
    `better-sqlite3 for Electron: ${r.electron.sqliteBindingPresent ? r.electron.sqliteBinding : `missing (${r.electron.sqliteBinding})`}`,
  ];
  if (r.advice.length) lines.push('', 'To do:', ...r.advice.map((a) => `  - ${a}`));
  return lines.filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== '')).join('\n');
}

/**
 * Run the doctor in a short-lived trainer worker thread (the app's main thread never loads backends or
 * waits on the GPU probe). Resolves with the report; the worker is terminated either way.
 */
export function doctorInWorker(workerPath: string, timeoutMs = 180_000): Promise<DoctorReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerPath);
    const requestId = 1;
    const timer = setTimeout(() => finish(() => reject(new Error(`the doctor probe did not answer within ${timeoutMs / 1000} s`))), timeoutMs);
    // Neither the probe nor its timeout keeps the process alive: closing the app must not wait for them.
    timer.unref();
    worker.unref();
    let done = false;
    function finish(fn: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
      void worker.terminate().catch(() => undefined);
    }
    worker.on('message', (msg: { type: string; requestId?: number; report?: DoctorReport; error?: string }) => {
      if (msg.type === 'ready') worker.postMessage({ type: 'doctor', requestId });
      else if (msg.type === 'doctor' && msg.requestId === requestId) {
        finish(() => (msg.report ? resolve(msg.report) : reject(new Error(msg.error ?? 'the doctor probe failed'))));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the doctor worker exited with code ${code}`))));
  });
}
