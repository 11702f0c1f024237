// Two connections on one file in WAL mode, as when the CLI lists runs while the app trains: the reader is
// never blocked by the writer, sees only committed rounds, and a long read does not block the writer.
// The second connection runs in a separate process too, to cover real cross-process locking.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/store/db';
import { evalPoint, newRun, removeDir, roundResult, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => removeDir(tmp));

const require_ = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../node_modules/better-sqlite3');

describe('WAL: a reader while the writer writes', () => {
  it('reader sees committed data only, is never blocked, and does not block the writer', () => {
    const file = path.join(tmp, 'wal.sqlite');
    const writer = openStore(file);
    const reader = openStore(file);
    try {
      const r = newRun(1);
      writer.createRun(r);
      writer.claimRun(r.id, process.pid);
      expect(reader.getRun(r.id)?.status).toBe('running');

      // A write transaction in progress on another connection (holding the write lock, not committed):
      // the store's reader is not blocked and does not see the uncommitted round.
      const raw = new Database(file);
      raw.exec('BEGIN IMMEDIATE');
      raw.prepare(`UPDATE runs SET name = 'uncommitted' WHERE id = ?`).run(r.id);
      const t0 = Date.now();
      expect(reader.getRun(r.id)?.name).toBe('seed 1');
      expect(reader.listRuns()).toHaveLength(1);
      expect(Date.now() - t0).toBeLessThan(1000);
      raw.exec('ROLLBACK');
      raw.close();

      // A long read (an open read transaction pinning a snapshot) while the writer completes rounds.
      const snapshot = reader.connection.transaction(() => {
        const before = reader.getRounds(r.id).length;
        writer.completeRound(r.id, 0, roundResult(0));
        writer.addEval(r.id, 1, evalPoint(100));
        writer.heartbeat(r.id, { round: 1, iteration: 100 });
        return { before, during: reader.getRounds(r.id).length, evalsDuring: reader.getEvals(r.id).length };
      })();
      expect(snapshot).toEqual({ before: 0, during: 0, evalsDuring: 0 }); // a consistent snapshot
      expect(reader.getRounds(r.id).map((x) => x.round)).toEqual([0]); // committed data visible afterwards
      expect(reader.getTensor(r.id, 0, 'dense1', 'w_f')).toEqual(roundResult(0).tensors[1].data);
      expect(reader.getRun(r.id)).toMatchObject({ currentRound: 1, currentIteration: 100 });
    } finally {
      reader.close();
      writer.close();
    }
  });

  it('another process reads the runs while this one holds them open and writes', () => {
    const file = path.join(tmp, 'procs.sqlite');
    const writer = openStore(file);
    try {
      const r = newRun(2);
      writer.createRun(r);
      writer.completeRound(r.id, 0, roundResult(0));
      const script = `
        const Database = require(${JSON.stringify(require_)});
        const db = new Database(${JSON.stringify(file)}, { readonly: true, timeout: 2000 });
        const runs = db.prepare('SELECT id, (SELECT count(*) FROM rounds WHERE run_id = runs.id) AS n FROM runs').all();
        process.stdout.write(JSON.stringify(runs));`;
      const read = () => JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { id: string; n: number }[];
      expect(read()).toEqual([{ id: r.id, n: 1 }]);
      writer.completeRound(r.id, 1, roundResult(1));
      expect(read()).toEqual([{ id: r.id, n: 2 }]);
    } finally {
      writer.close();
    }
  });
});
