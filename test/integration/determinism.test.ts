// Same spec, two fresh databases, same backend ⇒ identical exported numbers (SCIENCE.md §6).
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { openStore } from '../../src/main/store/db';
import { RunsService } from '../../src/main/runs/service';
import { runDetail } from '../../src/main/runs/queries';
import { runCsv } from '../../src/main/runs/export';
import { tempDir } from '../helpers/tmp';

async function trainOnce(dir: string, spec: object): Promise<string> {
  const store = openStore(path.join(dir, 'runs.sqlite'));
  const svc = new RunsService(store, { workers: 1 });
  try {
    const { id } = svc.create(spec);
    expect(await svc.waitFor(id)).toBe('completed');
    const d = runDetail(store, id);
    return runCsv({ runId: id, spec: d.spec, backend: d.summary.backend, rounds: d.rounds, evals: d.evals });
  } finally {
    await svc.close();
    store.close();
  }
}

describe('determinism', () => {
  it('gives identical CSV exports for the same spec in two fresh databases', async () => {
    const spec = {
      net: 'fc',
      seed: 7,
      dataset: { id: 'mnist', trainLimit: 3000, testLimit: 1000 },
      training: { iterations: 300, evalEvery: 100 },
      pruning: { rounds: 2, criterion: 'large_final' },
      backend: 'wasm',
    };
    const a = tempDir();
    const b = tempDir();
    try {
      const [csvA, csvB] = [await trainOnce(a.dir, spec), await trainOnce(b.dir, spec)];
      expect(csvA.split('\n').length).toBeGreaterThan(4);
      expect(csvB).toBe(csvA);
      // and a different seed gives different numbers
      const c = tempDir();
      try {
        const csvC = await trainOnce(c.dir, { ...spec, seed: 8 });
        expect(csvC).not.toBe(csvA);
      } finally {
        c.cleanup();
      }
    } finally {
      a.cleanup();
      b.cleanup();
    }
  }, 600_000);
});
