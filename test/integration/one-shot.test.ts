// One-shot pruning (SCIENCE.md §2): train the dense net once; each level prunes every layer straight to the
// iterative schedule's counts using that single w_f, then trains once.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { openStore } from '../../src/main/store/db';
import { RunsService } from '../../src/main/runs/service';
import { runDetail } from '../../src/main/runs/queries';
import { tempDir } from '../helpers/tmp';

describe('one-shot mode', () => {
  it('prunes each level from the dense w_f to the iterative counts', async () => {
    const tmp = tempDir();
    const store = openStore(path.join(tmp.dir, 'runs.sqlite'));
    const svc = new RunsService(store, { workers: 1 });
    try {
      const { id } = svc.create({
        net: 'fc',
        seed: 5,
        dataset: { id: 'mnist', trainLimit: 2000, testLimit: 500 },
        training: { iterations: 150, evalEvery: 150 },
        pruning: { mode: 'one_shot', rounds: 3 },
        backend: 'wasm',
      });
      expect(await svc.waitFor(id)).toBe('completed');
      const d = runDetail(store, id);
      expect(d.rounds.map((r) => r.layers.map((l) => l.alive))).toEqual([
        [235200, 30000, 1000],
        [188160, 24000, 900],
        [150528, 19200, 810],
      ]);
      for (const layer of ['dense1', 'dense2', 'output']) {
        const dense = store.getTensor(id, 0, layer, 'w_f')!;
        const w0 = store.getTensor(id, 0, layer, 'w_start')!;
        for (const level of [1, 2]) {
          const mask = store.getTensor(id, level, layer, 'mask')!;
          const start = store.getTensor(id, level, layer, 'w_start')!;
          let minKept = Infinity;
          let maxPruned = 0;
          for (let i = 0; i < mask.length; i++) {
            const m = Math.abs(dense[i]);
            if (mask[i]) {
              minKept = Math.min(minKept, m);
              expect(start[i]).toBe(w0[i]); // rewind to w_0
            } else {
              maxPruned = Math.max(maxPruned, m);
              expect(start[i]).toBe(0);
            }
          }
          // large_final on the DENSE round's weights: every kept |w_f| is at least every pruned one
          expect(minKept).toBeGreaterThanOrEqual(maxPruned);
        }
      }
    } finally {
      await svc.close();
      store.close();
      tmp.cleanup();
    }
  }, 300_000);
});
