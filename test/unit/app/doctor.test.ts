// The doctor's report (src/main/app/doctor.ts) from facts as real machines produce them: the backend
// ladder's attempts and libtensorflow start-up logs recorded by tfjs-node-gpu users.
import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../../../src/common/contract';
import { buildDoctorReport, formatDoctorReport, GPU_REQUIREMENT, type DoctorFacts } from '../../../src/main/app/doctor';
import { backendReason, diagnoseGpu, type BackendAttempt, type BackendName } from '../../../src/main/engine/backend';

// tensorflow/tfjs#8362 "CUDA version mismatch": tfjs-node-gpu with CUDA 12.3 only (the line as logged,
// LD_LIBRARY_PATH suffix included).
const CUDA12_ONLY =
  "2024-08-24 22:24:04.039287: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory; LD_LIBRARY_PATH: /usr/local/cuda:/usr/local/cuda/lib64:";

// tensorflow/tfjs#5993: tfjs-node-gpu creating its GPU device.
const GPU_CREATED =
  '2022-01-07 17:59:30.835479: I tensorflow/core/common_runtime/gpu/gpu_device.cc:1525] Created device /job:localhost/replica:0/task:0/device:GPU:0 with 6611 MB memory:  -> device: 0, name: NVIDIA GeForce GTX 1080, pci bus id: 0000:07:00.0, compute capability: 6.1';

const NOT_INSTALLED = (pkg: string) => `${pkg} is not installed (it is an optional dependency: its installer downloads libtensorflow)`;

function info(name: BackendName, attempts: BackendAttempt[], deterministic: boolean): BackendInfo {
  return { name, reason: backendReason(name, 'auto', attempts), attempts, deterministic };
}

function facts(over: Partial<DoctorFacts>): DoctorFacts {
  return {
    backend: null,
    backendError: null,
    packages: { tfjsNode: null, tfjsNodeGpu: null, wasm: '4.22.0', cpu: '4.22.0' },
    gpu: null,
    gpuProbeError: null,
    node: '20.20.2',
    v8: '11.3',
    tfjs: '4.22.0',
    cpuModel: 'AMD EPYC',
    cores: 2,
    electron: { version: '45.4.1', binary: '/app/node_modules/electron/dist/electron', binaryPresent: true },
    sqliteBinding: { path: '/app/.native-electron/better_sqlite3.node', present: true },
    ...over,
  };
}

describe('buildDoctorReport', () => {
  it('a machine without the native packages: wasm runs, the two faster rungs say what to install', () => {
    const backend = info(
      'wasm',
      [
        { name: 'tensorflow-gpu', ok: false, detail: NOT_INSTALLED('@tensorflow/tfjs-node-gpu') },
        { name: 'tensorflow', ok: false, detail: NOT_INSTALLED('@tensorflow/tfjs-node') },
        { name: 'wasm', ok: true, detail: 'SIMD on' },
      ],
      true,
    );
    const r = buildDoctorReport(
      facts({
        backend,
        electron: { version: '45.4.1', binary: '/x/electron', binaryPresent: false },
        sqliteBinding: { path: '/x/b.node', present: false },
      }),
      'T',
    );
    expect(r.backend).toEqual({ name: 'wasm', reason: backend.reason, deterministic: true });
    expect(r.backends.map((b) => [b.name, b.status])).toEqual([
      ['tensorflow-gpu', 'unavailable'],
      ['tensorflow', 'unavailable'],
      ['wasm', 'active'],
      ['cpu', 'available'],
    ]);
    expect(r.backends[2]).toMatchObject({ package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0' });
    expect(r.backends[2].detail).toMatch(/SIMD on/);
    expect(r.gpu).toMatchObject({ installed: false, gpuActive: false, missing: [], requires: GPU_REQUIREMENT });
    expect(r.gpu.message).toMatch(/not installed/);
    const advice = r.advice.join('\n');
    expect(advice).toMatch(/npm install @tensorflow\/tfjs-node-gpu.*CUDA 11\.2 \+ cuDNN 8\.1/);
    expect(advice).toMatch(/npm install @tensorflow\/tfjs-node\b/);
    expect(advice).toMatch(/npm run fetch-electron/);
    expect(advice).toMatch(/npm run build:electron-sqlite/);
    expect(r.checkedAt).toBe('T');
  });

  it('CUDA 12 only: tfjs-node-gpu would silently train on the CPU, so native TensorFlow on the CPU runs and the report names libcudart.so.11.0', () => {
    const gpu = diagnoseGpu({ physicalDevices: ['CPU'], logText: CUDA12_ONLY });
    const backend = info(
      'tensorflow',
      [
        { name: 'tensorflow-gpu', ok: false, detail: gpu.message },
        { name: 'tensorflow', ok: true, detail: 'libtensorflow loaded' },
      ],
      false,
    );
    const r = buildDoctorReport(facts({ backend, gpu, packages: { tfjsNode: '4.22.0', tfjsNodeGpu: '4.22.0', wasm: '4.22.0', cpu: '4.22.0' } }));
    expect(r.backends.map((b) => b.status)).toEqual(['unavailable', 'active', 'available', 'available']);
    expect(r.backends[0].detail).toMatch(/silently train on the CPU: missing libcudart\.so\.11\.0 \(the CUDA 11\.2 runtime\)/);
    expect(r.gpu).toMatchObject({ installed: true, version: '4.22.0', gpuActive: false, missing: ['libcudart.so.11.0'] });
    expect(r.advice).toHaveLength(1);
    expect(r.advice[0]).toMatch(/CUDA 11\.2 runtime and cuDNN 8\.1.*LD_LIBRARY_PATH/);
    expect(r.backend?.deterministic).toBe(false);
  });

  it('a working GPU: tensorflow-gpu is active and nothing is advised about backends', () => {
    const gpu = diagnoseGpu({ physicalDevices: ['GPU'], logText: GPU_CREATED });
    const backend = info('tensorflow-gpu', [{ name: 'tensorflow-gpu', ok: true, detail: gpu.message }], false);
    const r = buildDoctorReport(facts({ backend, gpu, packages: { tfjsNode: null, tfjsNodeGpu: '4.22.0', wasm: '4.22.0', cpu: '4.22.0' } }));
    expect(r.backends.map((b) => b.status)).toEqual(['active', 'unavailable', 'available', 'available']);
    expect(r.gpu.gpuActive).toBe(true);
    expect(r.gpu.message).toBe('TensorFlow runs on the GPU (NVIDIA GeForce GTX 1080).');
    expect(r.advice).toEqual([]);
  });

  it('no backend at all: says so and advises reinstalling', () => {
    const r = buildDoctorReport(facts({ backendError: 'No TensorFlow.js backend could start (…)' }));
    expect(r.backend).toBeNull();
    expect(r.backends.every((b) => b.status !== 'active')).toBe(true);
    expect(r.advice[0]).toMatch(/No backend could start.*npm ci/);
  });
});

describe('formatDoctorReport', () => {
  it('lists the ladder with statuses, the GPU requirement and the advice', () => {
    const gpu = diagnoseGpu({ physicalDevices: ['CPU'], logText: CUDA12_ONLY });
    const backend = info(
      'tensorflow',
      [
        { name: 'tensorflow-gpu', ok: false, detail: gpu.message },
        { name: 'tensorflow', ok: true, detail: 'libtensorflow loaded' },
      ],
      false,
    );
    const text = formatDoctorReport(
      buildDoctorReport(facts({ backend, gpu, packages: { tfjsNode: '4.22.0', tfjsNodeGpu: '4.22.0', wasm: '4.22.0', cpu: '4.22.0' } })),
    );
    expect(text).toMatch(/^Training backend: tensorflow$/m);
    expect(text).toMatch(/^ {2}tensorflow-gpu {2}unavailable {2}@tensorflow\/tfjs-node-gpu@4\.22\.0$/m);
    expect(text).toMatch(/missing libraries: libcudart\.so\.11\.0/);
    expect(text).toMatch(/CPU: AMD EPYC, 2 cores/);
    expect(text).toMatch(/^To do:$/m);
    expect(text).not.toMatch(/\n\n\n/);
  });
});
