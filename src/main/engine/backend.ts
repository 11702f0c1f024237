// Backend selection: one tfjs backend per process (or worker thread), chosen once from the spec's
// preference. tfjs backends are global state, so every worker calls `initBackend` before it trains and
// later calls are cheap (the result is cached).
//
// 'auto' walks the ladder  tensorflow-gpu → tensorflow → wasm → cpu  and takes the first that works.
// The two native rungs are optional npm packages that need libtensorflow (and, for the GPU, CUDA 11.2 +
// cuDNN 8.1); they are loaded only here, dynamically, inside try/catch. tfjs-node-gpu silently falls
// back to the CPU when CUDA libraries are missing, so it is first probed in a child process whose
// libtensorflow log is read by `diagnoseGpu` (see gpu.ts), and trusted only when a GPU device is active.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo } from '../../common/contract';
import type { BackendPref } from '../../common/spec';
import { diagnoseGpu, type GpuDiagnosis } from './gpu';

export type { BackendInfo } from '../../common/contract';
export type { BackendPref } from '../../common/spec';
export { diagnoseGpu, GPU_LIBRARIES, type GpuDiagnosis, type GpuLibrary } from './gpu';

export type BackendName = BackendInfo['name'];
export type BackendAttempt = BackendInfo['attempts'][number];

/** The order 'auto' tries, fastest first. */
export const BACKEND_LADDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

const PACKAGE_OF: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** The npm package each rung needs (the wasm and cpu backends are regular dependencies). */
export const BACKEND_PACKAGES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** One-line descriptions of the backends, for messages and the doctor. */
export function describeBackend(name: BackendName): string {
  return DESCRIPTION[name];
}

/** tfjs's own name of the backend each rung activates. */
const TFJS_NAME: Record<BackendName, string> = { 'tensorflow-gpu': 'tensorflow', tensorflow: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

/**
 * Whether the same inputs and seed give bit-identical numbers. wasm runs single-threaded in Node and
 * cpu is plain JS: fixed operation order. Native TensorFlow shards reductions over a thread pool and
 * cuDNN picks algorithms at run time, so neither promises identical sums.
 */
const DETERMINISTIC: Record<BackendName, boolean> = { 'tensorflow-gpu': false, tensorflow: false, wasm: true, cpu: true };

const DESCRIPTION: Record<BackendName, string> = {
  'tensorflow-gpu': 'TensorFlow on the GPU (@tensorflow/tfjs-node-gpu)',
  tensorflow: 'native TensorFlow on the CPU (@tensorflow/tfjs-node)',
  wasm: 'WebAssembly (XNNPACK with SIMD, one thread per run)',
  cpu: 'the pure-JavaScript CPU backend (slow: about 30× slower than WebAssembly; fine for tiny tests)',
};

class Unavailable extends Error {}

type Rung = () => Promise<string>;

const requireHere = createRequire(import.meta.url);

/** An installed package's entry and version, or null when it is not installed. No code is loaded. */
export function findPackage(pkg: string): { entry: string; version: string | null } | null {
  let entry: string;
  try {
    entry = requireHere.resolve(pkg);
  } catch {
    return null;
  }
  let version: string | null = null;
  try {
    version = (requireHere(`${pkg}/package.json`) as { version?: string }).version ?? null;
  } catch {
    version = null; // packages whose "exports" hide package.json
  }
  return { entry, version };
}

/** What the tensorflow-gpu rung found the last time it probed tfjs-node-gpu in this process. */
export interface GpuCheck {
  probe: GpuProbe;
  diagnosis: GpuDiagnosis;
}

let lastGpuCheck: GpuCheck | null = null;

/** The last GPU probe's result in this process (set by initBackend's tensorflow-gpu rung), or null. */
export function lastGpuProbe(): GpuCheck | null {
  return lastGpuCheck;
}

/**
 * Probe tfjs-node-gpu (in a child process) and diagnose its log: whether it would really use a GPU and
 * which CUDA/cuDNN libraries it could not load. Null when the package is not installed.
 */
export async function checkGpu(): Promise<GpuCheck | null> {
  const found = findPackage(BACKEND_PACKAGES['tensorflow-gpu']);
  if (!found) return null;
  const probe = await probeGpuPackage(found.entry);
  lastGpuCheck = { probe, diagnosis: diagnoseGpu({ physicalDevices: [probe.isUsingGpuDevice ? 'GPU' : 'CPU'], logText: probe.logText }) };
  return lastGpuCheck;
}

/** Absolute path of an optional package's entry, or an Unavailable error saying it is not installed. */
function resolveOptional(pkg: string): string {
  try {
    return requireHere.resolve(pkg);
  } catch {
    throw new Unavailable(`${pkg} is not installed (it is an optional dependency: its installer downloads libtensorflow)`);
  }
}

/** Load a native tfjs package in this process and switch to its 'tensorflow' backend. */
async function activateNative(pkg: string, entry: string): Promise<void> {
  try {
    requireHere(entry);
  } catch (err) {
    throw new Unavailable(`${pkg} is installed but failed to load: ${firstLine(err)}`);
  }
  if (!tf.findBackendFactory('tensorflow')) {
    throw new Unavailable(`${pkg} loaded but registered no 'tensorflow' backend with this copy of @tensorflow/tfjs-core`);
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Unavailable(`${pkg} loaded but its backend failed to initialise`);
}

export interface GpuProbe {
  /** Whether the tfjs-node-gpu backend reported a GPU device in the child process. */
  isUsingGpuDevice: boolean;
  /** libtensorflow's stderr at start-up (TF_CPP_MIN_LOG_LEVEL=0). */
  logText: string;
}

/**
 * Load tfjs-node-gpu in a child Node process, run one op, and capture libtensorflow's start-up log,
 * which it writes straight to file descriptor 2 where this process cannot read it. Works under Electron
 * too (ELECTRON_RUN_AS_NODE makes its binary behave as Node).
 */
export function probeGpuPackage(entry: string, timeoutMs = 120_000): Promise<GpuProbe> {
  const script = [
    "const tf = require(process.env.TICKETLAB_PROBE_ENTRY);",
    "(async () => {",
    "  await tf.ready();",
    "  tf.square(tf.tensor1d([1, 2])).dataSync();",
    "  const be = tf.backend();",
    "  process.stdout.write(JSON.stringify({ isUsingGpuDevice: be.isUsingGpuDevice === true }));",
    "})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(3); });",
  ].join('\n');
  const env = { ...process.env, TICKETLAB_PROBE_ENTRY: entry, TF_CPP_MIN_LOG_LEVEL: '0', ELECTRON_RUN_AS_NODE: '1' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const logText = String(stderr);
      if (err) {
        reject(new Unavailable(`@tensorflow/tfjs-node-gpu failed in a test process: ${lastLines(logText) || firstLine(err)}`));
        return;
      }
      try {
        const parsed = JSON.parse(String(stdout)) as { isUsingGpuDevice: boolean };
        resolve({ isUsingGpuDevice: parsed.isUsingGpuDevice, logText });
      } catch {
        reject(new Unavailable(`@tensorflow/tfjs-node-gpu test process printed no result: ${lastLines(logText)}`));
      }
    });
  });
}

const RUNGS: Record<BackendName, Rung> = {
  async 'tensorflow-gpu'() {
    const pkg = PACKAGE_OF['tensorflow-gpu']!;
    const entry = resolveOptional(pkg);
    const probe = await probeGpuPackage(entry);
    const diagnosis: GpuDiagnosis = diagnoseGpu({
      physicalDevices: [probe.isUsingGpuDevice ? 'GPU' : 'CPU'],
      logText: probe.logText,
    });
    lastGpuCheck = { probe, diagnosis };
    if (!diagnosis.gpuActive) throw new Unavailable(diagnosis.message);
    await activateNative(pkg, entry);
    const inProcess = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
    if (!inProcess) throw new Unavailable(`${pkg} found a GPU in a test process but not in this one`);
    return diagnosis.message;
  },
  async tensorflow() {
    const pkg = PACKAGE_OF.tensorflow!;
    await activateNative(pkg, resolveOptional(pkg));
    return 'libtensorflow loaded';
  },
  async wasm() {
    if (!(await tf.setBackend('wasm'))) throw new Unavailable('the WebAssembly module failed to initialise');
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return simd ? 'SIMD on' : 'SIMD unavailable in this runtime (slower)';
  },
  async cpu() {
    if (!(await tf.setBackend('cpu'))) throw new Unavailable('the CPU backend failed to initialise');
    // Silence tfjs's one-time "install tfjs-node" banner: the backend reason below says what runs and why.
    const be = tf.backend() as { firstUse?: boolean };
    if ('firstUse' in be) be.firstUse = false;
    return 'always available';
  },
};

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].trim();
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ').trim();
}

/** The human sentence saying which backend runs and why the better ones do not. */
export function backendReason(chosen: BackendName, pref: BackendPref, attempts: readonly BackendAttempt[]): string {
  const head =
    pref === 'auto'
      ? `Training runs on ${DESCRIPTION[chosen]}, the fastest backend available here.`
      : `Training runs on ${DESCRIPTION[chosen]}, as requested.`;
  const skipped = attempts.filter((a) => !a.ok).map((a) => `Not ${a.name}: ${a.detail}`);
  return [head, ...skipped.map((s) => (s.endsWith('.') ? s : `${s}.`))].join(' ');
}

interface Current {
  pref: BackendPref;
  info: BackendInfo;
}

let current: Current | null = null;
let pending: Promise<BackendInfo> = Promise.resolve(null as unknown as BackendInfo);

/** The backend chosen by the last successful `initBackend` in this process, if any. */
export function activeBackend(): BackendInfo | null {
  return current && tf.getBackend() === TFJS_NAME[current.info.name] ? current.info : null;
}

async function select(pref: BackendPref): Promise<BackendInfo> {
  const cached = activeBackend();
  if (cached && (pref === current!.pref || pref === cached.name)) return cached;
  const candidates = pref === 'auto' ? BACKEND_LADDER : [pref];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      const detail = await RUNGS[name]();
      attempts.push({ name, ok: true, detail });
      const info: BackendInfo = { name, reason: backendReason(name, pref, attempts), attempts, deterministic: DETERMINISTIC[name] };
      current = { pref, info };
      return info;
    } catch (err) {
      attempts.push({ name, ok: false, detail: firstLine(err) });
    }
  }
  const tried = attempts.map((a) => `${a.name}: ${a.detail}`).join('; ');
  if (pref === 'auto') throw new Error(`No TensorFlow.js backend could start (${tried})`);
  throw new Error(`Backend "${pref}" was requested but is unavailable here: ${attempts[0]?.detail ?? 'unknown reason'}.` +
    ` Choose "auto" to use the fastest available backend.`);
}

/**
 * Select the tfjs backend for this process. 'auto' takes the fastest rung that works; a named backend
 * is used alone and fails with a clear message when unavailable. Calls are serialised; repeating the
 * same preference returns the cached result without touching tfjs.
 */
export function initBackend(pref: BackendPref): Promise<BackendInfo> {
  const next = pending.catch(() => undefined).then(() => select(pref));
  pending = next;
  return next;
}
