// Schema migrations on real files: from an empty file, idempotent re-open, a newer schema refused without
// touching the file, another program's database refused, and a failing step rolled back.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, SCHEMA_VERSION, StoreError } from '../../../src/main/store/db';
import { APPLICATION_ID, migrate, MIGRATIONS, userVersion, type Migration } from '../../../src/main/store/migrations';
import { newRun, removeDir, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => removeDir(tmp));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function catchError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

describe('migrations', () => {
  it('creates the folders and the full schema from nothing, in WAL mode', () => {
    const file = path.join(tmp, 'a', 'b', 'fresh.sqlite');
    const store = openStore(file);
    try {
      expect(existsSync(file)).toBe(true);
      const db = store.connection;
      expect(userVersion(db)).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2); // INCREMENTAL
      expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      const tables = (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[]).filter(
        (n) => !n.startsWith('sqlite_'),
      );
      expect(tables).toEqual(['evals', 'experiments', 'rounds', 'runs', 'tensors']);
    } finally {
      store.close();
    }
  });

  it('re-opens an up-to-date file without applying anything and keeps its data', () => {
    const file = path.join(tmp, 'reopen.sqlite');
    const run = newRun(1);
    const first = openStore(file);
    first.createRun(run);
    first.close();
    for (let i = 0; i < 2; i++) {
      const again = openStore(file);
      expect(userVersion(again.connection)).toBe(SCHEMA_VERSION);
      expect(migrate(again.connection, file)).toEqual([]);
      expect(again.getRun(run.id)?.spec).toEqual(run.spec);
      again.close();
    }
  });

  it('refuses a file from a newer Ticket Lab and leaves it byte for byte unchanged', () => {
    const file = path.join(tmp, 'newer.sqlite');
    const raw = new Database(file);
    raw.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, future_column TEXT); INSERT INTO runs VALUES ('x', 'y');`);
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const before = sha(file);
    const err = catchError(() => openStore(file));
    expect(err.kind).toBe('newer_schema');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(
      new RegExp(`newer version of Ticket Lab \\(schema ${SCHEMA_VERSION + 5}; this version knows up to ${SCHEMA_VERSION}\\)`),
    );
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false); // not even switched to WAL
  });

  it("refuses another program's SQLite database", () => {
    const file = path.join(tmp, 'foreign.sqlite');
    const raw = new Database(file);
    raw.exec(`CREATE TABLE contacts (name TEXT)`);
    raw.close();
    const before = sha(file);
    const err = catchError(() => openStore(file));
    expect(err.kind).toBe('corrupt');
    expect(err.message).toMatch(/another program, not a Ticket Lab database/);
    expect(sha(file)).toBe(before);
  });

  it('applies several steps in order, and a failing step leaves the file at the previous version', () => {
    const file = path.join(tmp, 'steps.sqlite');
    const db = new Database(file);
    const steps: Migration[] = [
      { description: 'one', sql: `CREATE TABLE a (x INTEGER);` },
      { description: 'two', sql: `ALTER TABLE a ADD COLUMN y TEXT; INSERT INTO a VALUES (1, 'one');` },
    ];
    expect(migrate(db, file, steps)).toEqual([1, 2]);
    expect(userVersion(db)).toBe(2);
    expect(migrate(db, file, steps)).toEqual([]);

    const broken: Migration[] = [
      ...steps,
      // The first statement succeeds, the second fails: the whole step must roll back.
      { description: 'three', sql: `CREATE TABLE b (z INTEGER); INSERT INTO no_such_table VALUES (1);` },
    ];
    const err = catchError(() => migrate(db, file, broken));
    expect(err.message).toMatch(/upgrading the database to schema 3 \(three\); it stays at schema 2/);
    expect(err.message).toMatch(/no such table: no_such_table/);
    expect(userVersion(db)).toBe(2);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'b'`).pluck().get()).toBe(0);
    expect(db.prepare(`SELECT y FROM a`).pluck().get()).toBe('one');
    db.close();
  });
});
