// Helpers for the store tests: temporary database files, real run specs, and round results shaped like
// the trainer's (a small two-layer net so tests stay fast).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalSpecString, resolveRunSpec, type RunSpec } from '../../../src/common/spec';
import type { EvalPoint, RoundSummary } from '../../../src/common/contract';
import type { NewRun, TensorInput } from '../../../src/main/store/db';

/** A fresh temporary folder; remove with `removeDir`. */
export function tempDir(prefix = 'ticketlab-store-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A real, resolved FC spec and the run fields the runs service would derive from it. */
export function newRun(seed: number, extra: Partial<NewRun> = {}): NewRun {
  const spec: RunSpec = resolveRunSpec({ net: 'fc', seed, pruning: { rounds: 4 } });
  const canonical = canonicalSpecString(spec);
  const id = createHash('sha256').update(canonical).digest('hex').slice(0, 16);
  return { id, name: `seed ${seed}`, spec, canonical, totalRounds: spec.pruning.rounds, ...extra };
}

/** Deterministic pseudo-random floats (a tiny LCG; only test data). */
export function floats(n: number, seed: number, zeroEvery = 0): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = zeroEvery && i % zeroEvery === 0 ? 0 : (s / 2 ** 32 - 0.5) * 0.2;
  }
  return out;
}

export function maskOf(n: number, keepEvery: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = i % keepEvery === 0 ? 0 : 1;
  return m;
}

/** Layers of a small net: name, kernel shape, bias size. */
export const LAYERS = [
  { name: 'dense1', shape: [20, 30], bias: 30 },
  { name: 'dense2', shape: [30, 10], bias: 10 },
  { name: 'output', shape: [10, 3], bias: 3 },
] as const;

/** Everything the trainer posts for a completed round: summary and five tensors per layer. */
export function roundResult(round: number, scale = 1): { summary: RoundSummary; tensors: TensorInput[] } {
  const tensors: TensorInput[] = [];
  LAYERS.forEach((l, i) => {
    const shape = l.shape.map((d, k) => (k === 0 ? d * scale : d));
    const n = shape[0] * shape[1];
    tensors.push({ layer: l.name, role: 'w_start', shape, data: floats(n, 100 * round + i + 1) });
    tensors.push({ layer: l.name, role: 'w_f', shape, data: floats(n, 100 * round + i + 50, round + 1) });
    tensors.push({ layer: l.name, role: 'mask', shape, data: maskOf(n, round + 2) });
    tensors.push({ layer: l.name, role: 'trainable', shape, data: maskOf(n, round + 2) });
    tensors.push({ layer: l.name, role: 'b_f', shape: [l.bias], data: floats(l.bias, round + 7) });
  });
  const summary: RoundSummary = {
    round,
    percentRemaining: 100 * 0.8 ** round,
    layers: LAYERS.map((l) => ({
      name: l.name,
      kind: l.name === 'output' ? 'output' : 'dense',
      total: l.shape[0] * l.shape[1],
      alive: 10,
    })),
    earlyStopIteration: 300 + round,
    earlyStopTestAccuracy: 0.9 + round / 100,
    earlyStopTestLoss: 0.3,
    finalTestAccuracy: 0.89,
    finalTestLoss: 0.31,
    bestTestAccuracy: 0.95,
    wallMs: 1234,
  };
  return { summary, tensors };
}

export function evalPoint(iteration: number, acc = 0.5): EvalPoint {
  return { iteration, trainLoss: 1 / (iteration + 1), testLoss: 0.5, testAccuracy: acc, valLoss: 0.6, valAccuracy: acc - 0.01 };
}

/** Byte-for-byte equality of two typed arrays of the same type (much faster than a deep toEqual). */
export function sameData(a: Float32Array | Uint8Array | null | undefined, b: Float32Array | Uint8Array): boolean {
  if (!a || a.constructor !== b.constructor || a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
