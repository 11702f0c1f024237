// Trains FC (LeNet-300-100) on a real MNIST subset through the real worker, store and LT loop.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'node:path';
import { openStore, type Store } from '../../src/main/store/db';
import { RunsService } from '../../src/main/runs/service';
import { runDetail } from '../../src/main/runs/queries';
import { runCsv } from '../../src/main/runs/export';
import { tempDir } from '../helpers/tmp';

const spec = {
  name: 'integration: FC on an MNIST subset',
  net: 'fc',
  seed: 1,
  dataset: { id: 'mnist', trainLimit: 20000, testLimit: 5000 },
  training: { iterations: 2000, evalEvery: 500 },
  pruning: { rounds: 3 },
  backend: 'wasm',
} as const;

describe('lottery-ticket loop on real MNIST', () => {
  const tmp = tempDir();
  let store: Store;
  let svc: RunsService;
  let id: string;

  beforeAll(async () => {
    store = openStore(path.join(tmp.dir, 'runs.sqlite'));
    svc = new RunsService(store, { workers: 1 });
    id = svc.create(spec).id;
    const status = await svc.waitFor(id);
    expect(status).toBe('completed');
  }, 600_000);

  afterAll(async () => {
    await svc.close();
    store.close();
    tmp.cleanup();
  });

  it('learns: ≥ 95% test accuracy in every round', () => {
    const d = runDetail(store, id);
    expect(d.rounds.map((r) => r.round)).toEqual([0, 1, 2]);
    for (const r of d.rounds) {
      expect(r.finalTestAccuracy).toBeGreaterThanOrEqual(0.95);
      expect(r.earlyStopTestAccuracy).toBeGreaterThanOrEqual(0.95);
    }
    expect(d.summary.backend).toBe('wasm');
  });

  it('keeps the exact per-layer counts (hidden 20%, output 10% per round)', () => {
    const d = runDetail(store, id);
    const alive = d.rounds.map((r) => r.layers.map((l) => l.alive));
    expect(alive).toEqual([
      [235200, 30000, 1000],
      [188160, 24000, 900],
      [150528, 19200, 810],
    ]);
    expect(d.rounds.map((r) => Math.round(r.percentRemaining * 10) / 10)).toEqual([100, 80, 64.1]);
  });

  it("keeps pruned weights exactly zero through round 2's training", () => {
    for (const layer of ['dense1', 'dense2', 'output']) {
      const mask = store.getTensor(id, 2, layer, 'mask') as Uint8Array;
      const wf = store.getTensor(id, 2, layer, 'w_f') as Float32Array;
      const w0 = store.getTensor(id, 0, layer, 'w_start') as Float32Array;
      let pruned = 0;
      let moved = 0;
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] === 0) {
          pruned++;
          if (!Object.is(wf[i], 0)) moved++;
        } else if (wf[i] === w0[i]) {
          // kept weights train, so (almost) none should still equal their initial value
        }
      }
      expect(pruned).toBeGreaterThan(0);
      expect(moved).toBe(0);
    }
  });

  it('rewinds kept weights to w_0 at the start of each round', () => {
    const w0 = store.getTensor(id, 0, 'dense1', 'w_start') as Float32Array;
    const ws2 = store.getTensor(id, 2, 'dense1', 'w_start') as Float32Array;
    const mask = store.getTensor(id, 2, 'dense1', 'mask') as Uint8Array;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]) expect(ws2[i]).toBe(w0[i]);
      else expect(ws2[i]).toBe(0);
    }
  });

  it('exports one CSV row per (round, evaluation)', () => {
    const d = runDetail(store, id);
    const csv = runCsv({ runId: id, spec: d.spec, backend: d.summary.backend, rounds: d.rounds, evals: d.evals });
    const lines = csv.trim().split('\n');
    expect(lines[0].split(',').slice(0, 7)).toEqual(['run_id', 'round', 'percent_remaining', 'iteration', 'test_accuracy', 'test_loss', 'val_accuracy']);
    expect(lines.length - 1).toBe(3 * 4); // 3 rounds × evaluations at 500, 1000, 1500, 2000
  });
});
