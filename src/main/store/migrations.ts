// Versioned schema migrations. The schema version is SQLite's `PRAGMA user_version`; MIGRATIONS[i] takes
// the database from version i to i + 1. Each step runs in its own IMMEDIATE transaction that re-reads the
// version first, so two processes opening a fresh file at once cannot both apply a step, and a step that
// fails leaves the database at the previous version.
//
// To change the schema: append a step (never edit a released one), e.g.
//   { description: 'runs.notes', sql: `ALTER TABLE runs ADD COLUMN notes TEXT;` }
// and extend the row mappers in records.ts. Test it from an empty file and from the previous version.
import type Database from 'better-sqlite3';
import { StoreError, toStoreError } from './errors';

export interface Migration {
  /** One line saying what the step adds, shown in errors. */
  description: string;
  sql: string;
}

/** "TLAB": marks the file as Ticket Lab's (`PRAGMA application_id`). */
export const APPLICATION_ID = 0x544c4142;

export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'runs, rounds, evals, tensors',
    sql: `
      CREATE TABLE runs (
        id                TEXT PRIMARY KEY,
        name              TEXT,
        spec_json         TEXT NOT NULL,
        canonical         TEXT NOT NULL,
        status            TEXT NOT NULL DEFAULT 'queued'
                          CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
        backend           TEXT,
        backend_reason    TEXT,
        error             TEXT,
        created_at        TEXT NOT NULL,
        started_at        TEXT,
        finished_at       TEXT,
        owner_pid         INTEGER,
        owner_host        TEXT,
        owner_token       TEXT,
        claimed_at        TEXT,
        heartbeat_at      TEXT,
        experiment_id     TEXT,
        reused_training   TEXT,
        current_round     INTEGER,
        current_iteration INTEGER,
        total_rounds      INTEGER NOT NULL CHECK (total_rounds > 0)
      ) STRICT;
      CREATE INDEX runs_by_created ON runs (created_at);
      CREATE INDEX runs_by_status ON runs (status);
      CREATE INDEX runs_by_experiment ON runs (experiment_id) WHERE experiment_id IS NOT NULL;

      -- Metrics are nullable: SQLite stores NaN as NULL, and a diverged training reports NaN losses.
      CREATE TABLE rounds (
        run_id                   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        round                    INTEGER NOT NULL CHECK (round >= 0),
        percent_remaining        REAL,
        per_layer_json           TEXT NOT NULL,
        early_stop_iteration     INTEGER,
        early_stop_test_accuracy REAL,
        early_stop_test_loss     REAL,
        final_test_accuracy      REAL,
        final_test_loss          REAL,
        best_test_accuracy       REAL,
        wall_ms                  REAL,
        finished_at              TEXT NOT NULL,
        PRIMARY KEY (run_id, round)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE evals (
        run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        round         INTEGER NOT NULL CHECK (round >= 0),
        iteration     INTEGER NOT NULL CHECK (iteration >= 0),
        train_loss    REAL,
        test_loss     REAL,
        test_accuracy REAL,
        val_loss      REAL,
        val_accuracy  REAL,
        PRIMARY KEY (run_id, round, iteration)
      ) STRICT, WITHOUT ROWID;

      -- Large blobs: an ordinary rowid table (WITHOUT ROWID suits small rows only).
      CREATE TABLE tensors (
        run_id     TEXT NOT NULL,
        round      INTEGER NOT NULL,
        layer      TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('w_start', 'w_f', 'b_f', 'mask', 'trainable')),
        shape_json TEXT NOT NULL,
        encoding   TEXT NOT NULL,
        data       BLOB NOT NULL,
        PRIMARY KEY (run_id, round, layer, role),
        FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round) ON DELETE CASCADE
      ) STRICT;

      PRAGMA application_id = ${APPLICATION_ID};
    `,
  },
  {
    description: 'experiments, and content keys of dense trainings for reuse',
    sql: `
      CREATE TABLE experiments (
        id         TEXT PRIMARY KEY,
        name       TEXT,
        spec_json  TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX experiments_by_created ON experiments (created_at);
      -- training_key: hash of everything that determines round 0 (data, net, seed, init, training, resolved backend).
      ALTER TABLE runs ADD COLUMN training_key TEXT;
      CREATE INDEX runs_by_training_key ON runs (training_key) WHERE training_key IS NOT NULL;
    `,
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Refuses files this build must not touch: written by a newer Ticket Lab, or a SQLite database of another
 * program. Reads only; call it before anything writes (including `journal_mode = WAL`).
 */
export function checkCompatible(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const version = userVersion(db);
  if (version > migrations.length) {
    throw new StoreError(
      'newer_schema',
      `The database ${file} was written by a newer version of Ticket Lab (schema ${version}; this version knows up to ${migrations.length}). ` +
        'Update Ticket Lab, or set TICKETLAB_DB to another file. The file was not changed.',
      file,
    );
  }
  const appId = db.pragma('application_id', { simple: true }) as number;
  const foreign =
    (appId !== 0 && appId !== APPLICATION_ID) ||
    (version === 0 && (db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get() as { n: number }).n > 0);
  if (foreign) {
    throw new StoreError(
      'corrupt',
      `${file} is a SQLite database of another program, not a Ticket Lab database. Set TICKETLAB_DB to another file. The file was not changed.`,
      file,
    );
  }
  return version;
}

/** Applies the missing steps, one transaction each. Returns the versions applied (empty when up to date). */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  for (;;) {
    const step = db.transaction((): number | null => {
      const version = userVersion(db); // re-read under the write lock: another process may have migrated
      if (version >= migrations.length) return null;
      try {
        db.exec(migrations[version].sql);
      } catch (err) {
        throw toStoreError(
          err,
          file,
          `upgrading the database to schema ${version + 1} (${migrations[version].description}); it stays at schema ${version}`,
        );
      }
      db.pragma(`user_version = ${version + 1}`);
      return version + 1;
    });
    const next = step.immediate();
    if (next === null) return applied;
    applied.push(next);
  }
}
