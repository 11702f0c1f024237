// Runs that share their first training train it once: later variants reuse the stored round 0.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { openStore } from '../../src/main/store/db';
import { RunsService } from '../../src/main/runs/service';
import { runDetail } from '../../src/main/runs/queries';
import { runCsv } from '../../src/main/runs/export';
import { experimentDetail } from '../../src/main/runs/experiments';
import { tempDir } from '../helpers/tmp';

const base = {
  net: 'fc',
  dataset: { id: 'mnist', trainLimit: 3000, testLimit: 1000 },
  training: { iterations: 200, evalEvery: 100 },
  pruning: { rounds: 2 },
  backend: 'wasm',
} as const;

describe('reuse of shared dense trainings', () => {
  it('trains round 0 once per seed, records the reuse, and gives the same numbers as training it again', async () => {
    const tmp = tempDir();
    const store = openStore(path.join(tmp.dir, 'runs.sqlite'));
    const svc = new RunsService(store, { workers: 2 });
    try {
      const exp = svc.createExperiment({ kind: 'experiment', ...base, seeds: 2, pruning: { ...base.pruning, criterion: ['large_final', 'random', 'small_final'] } });
      expect(exp.runs).toBe(6);
      const statuses = await Promise.all(exp.runIds.map((id) => svc.waitFor(id)));
      expect(statuses).toEqual(Array(6).fill('completed'));

      const runs = exp.runIds.map((id) => runDetail(store, id));
      const reused = runs.filter((r) => r.summary.reusedTraining !== null);
      // 3 criteria × 2 seeds: one dense training per seed, 4 runs reuse one.
      expect(reused).toHaveLength(4);
      for (const r of reused) {
        const donor = runDetail(store, r.summary.reusedTraining!);
        expect(donor.spec.seed).toBe(r.spec.seed);
        expect(donor.summary.reusedTraining).toBeNull();
        const { finishedAt: _a, ...copied } = r.rounds[0] as typeof r.rounds[0] & { finishedAt?: string };
        const { finishedAt: _b, ...original } = donor.rounds[0] as typeof r.rounds[0] & { finishedAt?: string };
        expect(copied).toEqual(original);
        expect(store.getTensor(r.summary.id, 0, 'dense1', 'w_f')).toEqual(store.getTensor(donor.summary.id, 0, 'dense1', 'w_f'));
      }

      // A reused run equals the same run trained from scratch in a fresh store.
      const target = reused[0];
      const fresh = tempDir();
      const store2 = openStore(path.join(fresh.dir, 'runs.sqlite'));
      const svc2 = new RunsService(store2, { workers: 1 });
      try {
        const { id } = svc2.create(target.spec);
        expect(id).toBe(target.summary.id);
        expect(await svc2.waitFor(id)).toBe('completed');
        const d2 = runDetail(store2, id);
        expect(d2.summary.reusedTraining).toBeNull();
        const csv = (d: typeof d2) => runCsv({ runId: d.summary.id, spec: d.spec, backend: d.summary.backend, rounds: d.rounds, evals: d.evals });
        expect(csv(d2)).toBe(csv(target));
      } finally {
        await svc2.close();
        store2.close();
        fresh.cleanup();
      }

      const e = experimentDetail(store, exp.id);
      expect(e.variants.map((v) => v.label)).toEqual(['large_final', 'random', 'small_final']);
      expect(e.variants[0].accuracy.map((p) => p.n)).toEqual([2, 2]);
      expect(e.unpruned?.n).toBe(2);
    } finally {
      await svc.close();
      store.close();
      tmp.cleanup();
    }
  }, 600_000);
});
