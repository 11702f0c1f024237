// The conv paper presets (Conv2/4/6 on CIFAR-10) cannot finish on a CPU: they are validated, and each net they
// train is smoke-run for 50 iterations on the shared CIFAR-10 copy through the real worker and store.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expandExperiment } from '../../src/common/experiment';
import { openStore } from '../../src/main/store/db';
import { RunsService } from '../../src/main/runs/service';
import { runDetail } from '../../src/main/runs/queries';
import { tempDir, repoRoot } from '../helpers/tmp';

const cifar = path.resolve(repoRoot, '../shared/datasets/cifar10-jpeg');
const presets = ['z19-fig1-conv-paper.json', 'z19-fig2-conv-paper.json', 'z19-fig3-conv-paper.json'];

describe('conv paper presets', () => {
  it('validate with Z19 Table S1 budgets', () => {
    for (const f of presets) {
      const e = expandExperiment(JSON.parse(readFileSync(path.join(repoRoot, 'examples', f), 'utf8')));
      expect(e.seeds).toHaveLength(5);
      const byNet = Object.fromEntries(e.runs.map((r) => [r.spec.net, r.spec.training]));
      expect(byNet.conv2).toMatchObject({ lr: 2e-4, iterations: 20_000, batchSize: 60 });
      expect(byNet.conv4).toMatchObject({ lr: 3e-4, iterations: 25_000 });
      expect(byNet.conv6).toMatchObject({ lr: 3e-4, iterations: 30_000 });
    }
  });

  it.skipIf(!existsSync(path.join(cifar, 'test_batch.bin')))(
    'smoke-run each net for 50 iterations (skipped where ../shared/datasets/cifar10-jpeg is absent)',
    async () => {
      const tmp = tempDir();
      const store = openStore(path.join(tmp.dir, 'runs.sqlite'));
      const svc = new RunsService(store, { workers: 2 });
      try {
        const ids: string[] = [];
        for (const f of presets) {
          const e = expandExperiment(JSON.parse(readFileSync(path.join(repoRoot, 'examples', f), 'utf8')));
          for (const net of ['conv2', 'conv4', 'conv6'] as const) {
            const first = e.runs.find((r) => r.spec.net === net && r.seed === 0)!;
            const s = first.spec;
            const smoke = {
              ...s,
              dataset: { ...s.dataset, path: cifar, trainLimit: 600, testLimit: 200, validation: 100 },
              training: { ...s.training, iterations: 50, evalEvery: 50 },
              pruning: { ...s.pruning, rounds: 1 },
              backend: 'wasm' as const,
            };
            const { id } = svc.create(smoke);
            if (!ids.includes(id)) ids.push(id);
          }
        }
        expect(ids).toHaveLength(3); // one dense smoke run per net: the three figures share it
        const statuses = await Promise.all(ids.map((id) => svc.waitFor(id)));
        expect(statuses).toEqual(['completed', 'completed', 'completed']);
        for (const id of ids) {
          const d = runDetail(store, id);
          expect(d.rounds).toHaveLength(1);
          expect(Number.isFinite(d.rounds[0].finalTestLoss)).toBe(true);
          expect(d.rounds[0].finalTestAccuracy).toBeGreaterThanOrEqual(0);
        }
      } finally {
        await svc.close();
        store.close();
        tmp.cleanup();
      }
    },
    900_000,
  );
});
