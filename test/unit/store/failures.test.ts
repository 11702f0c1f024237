// Failures turned into clear errors, with nothing already stored lost: a full disk (simulated with
// PRAGMA max_page_count), a file of random bytes, a damaged database, a read-only store, a locked database.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../../src/main/store/db';
import { evalPoint, newRun, removeDir, roundResult, sameData, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => removeDir(tmp));

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw new Error(`expected a StoreError, got: ${String(err)}`);
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

describe('disk full', () => {
  it('fails the round with a clear message; earlier rounds stay intact and the round can be saved later', () => {
    const file = path.join(tmp, 'full.sqlite');
    const store = openStore(file);
    try {
      const r = newRun(1);
      store.createRun(r);
      store.claimRun(r.id, process.pid);
      store.completeRound(r.id, 0, roundResult(0, 20));
      store.completeRound(r.id, 1, roundResult(1, 20));
      store.addEval(r.id, 2, evalPoint(100));

      // Leave room for a few pages only: round 2's ~400 KB of tensors cannot fit.
      const pages = store.connection.pragma('page_count', { simple: true }) as number;
      store.connection.pragma(`max_page_count = ${pages + 4}`);
      const err = storeError(() => store.completeRound(r.id, 2, roundResult(2, 20)));
      expect(err.kind).toBe('disk_full');
      expect(err.code).toBe('SQLITE_FULL');
      expect(err.message).toMatch(
        new RegExp(
          `^Disk full while saving round 2 of run ${r.id} \\(database ${file.replace(/[.\\/]/g, '\\$&')}\\): free some disk space and resume`,
        ),
      );

      expect(store.lastCompletedRound(r.id)).toBe(1);
      expect(store.listTensors(r.id, 2)).toEqual([]);
      for (const round of [0, 1]) {
        for (const t of roundResult(round, 20).tensors) expect(sameData(store.getTensor(r.id, round, t.layer, t.role), t.data)).toBe(true);
      }
      expect(store.getEvals(r.id, 2)[0].points).toEqual([evalPoint(100)]);
      expect(store.connection.pragma('integrity_check', { simple: true })).toBe('ok');

      // Space freed: the same round saves.
      store.connection.pragma('max_page_count = 1073741823');
      store.completeRound(r.id, 2, roundResult(2, 20));
      expect(store.lastCompletedRound(r.id)).toBe(2);
    } finally {
      store.close();
    }
    // And everything is there for the next process.
    const again = openStore(file);
    expect(again.getRounds(newRun(1).id).map((x) => x.round)).toEqual([0, 1, 2]);
    again.close();
  });
});

describe('not a database / damaged', () => {
  it('names a file of random bytes as not a Ticket Lab database, and leaves it alone', () => {
    const file = path.join(tmp, 'random.sqlite');
    const bytes = randomBytes(16 * 1024);
    writeFileSync(file, bytes);
    const err = storeError(() => openStore(file));
    expect(err.kind).toBe('corrupt');
    expect(err.code).toBe('SQLITE_NOTADB');
    expect(err.message).toBe(
      `${file} is not a Ticket Lab database (it is not a SQLite file, or it is encrypted or overwritten); found while opening the database. Move it aside or set TICKETLAB_DB to another file.`,
    );
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('reports a damaged database (SQLITE_CORRUPT) with the file name', () => {
    const file = path.join(tmp, 'damaged.sqlite');
    const store = openStore(file);
    for (let seed = 0; seed < 300; seed++) store.createRun(newRun(seed));
    store.close(); // checkpoints the WAL into the file
    // Overwrite every page after the first (page 1 holds the header and the schema root) with garbage.
    const pageSize = 4096;
    const size = readFileSync(file).length;
    const fd = openSync(file, 'r+');
    for (let offset = pageSize; offset < size; offset += pageSize) writeSync(fd, randomBytes(pageSize), 0, pageSize, offset);
    closeSync(fd);
    const err = storeError(() => {
      const damaged = openStore(file);
      try {
        damaged.listRuns();
      } finally {
        damaged.close();
      }
    });
    expect(err.kind).toBe('corrupt');
    expect(err.code).toMatch(/^SQLITE_(CORRUPT|NOTADB)/);
    expect(err.message).toContain(file);
  });
});

describe('read-only and locked', () => {
  it('opens read-only for listing and refuses writes with a clear message', () => {
    const file = path.join(tmp, 'ro.sqlite');
    const writer = openStore(file);
    const r = newRun(1);
    writer.createRun(r);
    writer.close();
    const ro = openStore(file, { readonly: true });
    try {
      expect(ro.readonly).toBe(true);
      expect(ro.getRun(r.id)?.id).toBe(r.id);
      const err = storeError(() => ro.setStatus(r.id, 'cancelled'));
      expect(err.kind).toBe('read_only');
      expect(err.message).toMatch(/^Cannot write the database .*ro\.sqlite while setting run [0-9a-f]+ to cancelled: it is read-only/);
      expect(ro.getRun(r.id)?.status).toBe('queued');
    } finally {
      ro.close();
    }
    const missing = storeError(() => openStore(path.join(tmp, 'absent.sqlite'), { readonly: true }));
    expect(missing.kind).toBe('cannot_open');
  });

  it('waits busy_timeout for another writer, then fails as busy without losing anything', () => {
    const file = path.join(tmp, 'busy.sqlite');
    const store = openStore(file, { busyTimeoutMs: 150 });
    const r = newRun(1);
    store.createRun(r);
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
      const started = Date.now();
      const err = storeError(() => store.setStatus(r.id, 'cancelled'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(err.kind).toBe('busy');
      expect(err.message).toMatch(/stayed locked by another process while setting run .* to cancelled/);
      expect(store.getRun(r.id)?.status).toBe('queued'); // reads are not blocked in WAL
      other.exec('COMMIT');
      expect(store.setStatus(r.id, 'cancelled').status).toBe('cancelled');
    } finally {
      other.close();
      store.close();
    }
  });
});

describe('store handles', () => {
  it('passes nativeBinding through to better-sqlite3 (how the Electron app loads its own build)', () => {
    const binding = fileURLToPath(new URL('../../../node_modules/better-sqlite3/build/Release/better_sqlite3.node', import.meta.url));
    const store = openStore(path.join(tmp, 'native.sqlite'), { nativeBinding: binding });
    expect(store.createRun(newRun(1)).existed).toBe(false);
    store.close();
    const missing = path.join(tmp, 'no-such-binding.node');
    const err = storeError(() => openStore(path.join(tmp, 'native2.sqlite'), { nativeBinding: missing }));
    expect(err.kind).toBe('cannot_open');
    expect(err.message).toContain(`Cannot load SQLite (better-sqlite3) from ${missing}`);
  });

  it('a closed store cannot be used by mistake', () => {
    const store: Store = openStore(path.join(tmp, 'closed.sqlite'));
    store.close();
    store.close(); // twice is harmless
    expect(() => store.listRuns()).toThrow(/database connection is not open/);
  });
});
