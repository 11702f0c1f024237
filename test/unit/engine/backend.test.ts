// Backend selection on this machine (no native TensorFlow packages installed) and the GPU probe's
// mechanics, with a stand-in for tfjs-node-gpu that prints recorded libtensorflow log lines.
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendReason, diagnoseGpu, initBackend, probeGpuPackage, activeBackend } from '../../../src/main/engine/backend';
import { tempDir } from '../../helpers/tmp';

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

describe('initBackend', () => {
  it.skipIf(nativeInstalled)("'auto' walks the ladder down to wasm and says why the native rungs are unavailable", async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.deterministic).toBe(true);
    expect(info.attempts.map((a) => [a.name, a.ok])).toEqual([
      ['tensorflow-gpu', false],
      ['tensorflow', false],
      ['wasm', true],
    ]);
    expect(info.attempts[0].detail).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    expect(info.reason).toMatch(/^Training runs on WebAssembly .*fastest backend available here\./);
    expect(info.reason).toMatch(/Not tensorflow: @tensorflow\/tfjs-node is not installed/);
    expect(activeBackend()).toBe(info);
    // Cached: the same preference returns the same answer without re-running the ladder.
    expect(await initBackend('auto')).toBe(info);
  });

  it.skipIf(nativeInstalled)('fails with a clear message when an unavailable backend is requested', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(/Backend "tensorflow" was requested but is unavailable here: @tensorflow\/tfjs-node is not installed.*Choose "auto"/);
    await expect(initBackend('tensorflow-gpu')).rejects.toThrow(/tfjs-node-gpu is not installed/);
  });

  it('switches to a requested backend and reports it', async () => {
    const cpu = await initBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', deterministic: true });
    expect(cpu.reason).toMatch(/^Training runs on the pure-JavaScript CPU backend.*as requested\.$/);
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await initBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(await initBackend('wasm')).toBe(wasm);
  });

  it('serialises concurrent calls', async () => {
    const [a, b] = await Promise.all([initBackend('cpu'), initBackend('wasm')]);
    expect(a.name).toBe('cpu');
    expect(b.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('backendReason', () => {
  it('names what runs and why each better rung did not', () => {
    const reason = backendReason('tensorflow', 'auto', [
      { name: 'tensorflow-gpu', ok: false, detail: 'tfjs-node-gpu found no usable GPU and would silently train on the CPU: missing libcudnn.so.8 (cuDNN 8.1 for CUDA 11.2).' },
      { name: 'tensorflow', ok: true, detail: 'libtensorflow loaded' },
    ]);
    expect(reason).toBe(
      'Training runs on native TensorFlow on the CPU (@tensorflow/tfjs-node), the fastest backend available here. ' +
        'Not tensorflow-gpu: tfjs-node-gpu found no usable GPU and would silently train on the CPU: missing libcudnn.so.8 (cuDNN 8.1 for CUDA 11.2).',
    );
  });
});

describe('probeGpuPackage', () => {
  it('captures libtensorflow\'s stderr from a child process and reads the backend\'s GPU flag', async () => {
    const tmp = tempDir();
    try {
      // A stand-in with the API surface the probe uses, printing tfjs#8269's log line like libtensorflow would.
      const entry = path.join(tmp.dir, 'fake-tfjs-node-gpu.cjs');
      writeFileSync(
        entry,
        [
          "process.stderr.write('log level ' + process.env.TF_CPP_MIN_LOG_LEVEL + '\\n');",
          "process.stderr.write(\"2024-05-06 00:05:33.767399: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.8'; dlerror: libcudnn.so.8: cannot open shared object file: No such file or directory\\n\");",
          'module.exports = {',
          '  ready: async () => {},',
          '  tensor1d: (v) => v,',
          '  square: () => ({ dataSync: () => [1, 4] }),',
          '  backend: () => ({ isUsingGpuDevice: false }),',
          '};',
        ].join('\n'),
      );
      const probe = await probeGpuPackage(entry, 30_000);
      expect(probe.isUsingGpuDevice).toBe(false);
      expect(probe.logText).toMatch(/log level 0/);
      const d = diagnoseGpu({ physicalDevices: [probe.isUsingGpuDevice ? 'GPU' : 'CPU'], logText: probe.logText });
      expect(d.missing).toEqual(['libcudnn.so.8']);

      const broken = path.join(tmp.dir, 'broken.cjs');
      writeFileSync(broken, "process.stderr.write('libtensorflow.so.2: cannot open shared object file\\n'); process.exit(1);");
      await expect(probeGpuPackage(broken, 30_000)).rejects.toThrow(/failed in a test process: libtensorflow\.so\.2: cannot open/);
    } finally {
      tmp.cleanup();
    }
  });
});
