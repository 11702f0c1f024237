// Store errors: every SQLite failure that leaves the store is turned into a StoreError whose message names
// the database file, what was being done, and what the user can do about it. The original error is kept
// as `cause` (and its SQLite code as `code`) for logs.
import Database from 'better-sqlite3';

export type StoreErrorKind =
  /** SQLITE_FULL: the disk (or the configured max_page_count) is full. */
  | 'disk_full'
  /** SQLITE_READONLY / SQLITE_PERM: the file, its folder or the mount is read-only. */
  | 'read_only'
  /** SQLITE_NOTADB / SQLITE_CORRUPT, or a SQLite file that belongs to another program. */
  | 'corrupt'
  /** SQLITE_BUSY / SQLITE_LOCKED: another connection held the write lock longer than busy_timeout. */
  | 'busy'
  /** The file was written by a newer Ticket Lab whose schema this version does not know. */
  | 'newer_schema'
  /** SQLITE_CANTOPEN: the file or its folder cannot be opened or created. */
  | 'cannot_open'
  /** SQLITE_IOERR: the operating system failed a read or write. */
  | 'io'
  /** A run (or round) the caller named does not exist. */
  | 'not_found'
  /** The request contradicts what is stored (a round saved twice, a run owned by another live process). */
  | 'conflict'
  /** The caller passed malformed data (bad tensor shape, unknown role). Nothing was written. */
  | 'invalid'
  /** Any other SQLite failure. */
  | 'sqlite';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    /** The database file concerned. */
    readonly file: string,
    /** The SQLite (extended) result code, e.g. "SQLITE_FULL", when the error came from SQLite. */
    readonly code: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for errors thrown by better-sqlite3 (they carry a SQLite result code). */
export function isSqliteError(err: unknown): err is Error & { code: string } {
  if (err instanceof Database.SqliteError) return true;
  // A second copy of better-sqlite3 (the Electron build) has its own SqliteError class: check the shape too.
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** Maps a SQLite result code (extended codes included, e.g. SQLITE_IOERR_WRITE) to an error kind. */
export function kindOfSqliteCode(code: string): StoreErrorKind {
  if (code.startsWith('SQLITE_FULL')) return 'disk_full';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) return 'read_only';
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot_open';
  // SQLITE_IOERR_NOMEM is a memory problem, every other IOERR is the file system's.
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  return 'sqlite';
}

/** The user-facing sentence for a failure of `kind` while doing `action` on `file`. */
export function describeFailure(kind: StoreErrorKind, action: string, file: string, detail: string): string {
  switch (kind) {
    case 'disk_full':
      return `Disk full while ${action} (database ${file}): free some disk space and resume. Everything saved before this point is intact.`;
    case 'read_only':
      return `Cannot write the database ${file} while ${action}: it is read-only (check the permissions of the file and its folder, and whether the disk is mounted read-only).`;
    case 'corrupt':
      return detail.includes('not a database')
        ? `${file} is not a Ticket Lab database (it is not a SQLite file, or it is encrypted or overwritten); found while ${action}. Move it aside or set TICKETLAB_DB to another file.`
        : `The database ${file} is damaged (SQLite reports: ${detail}); found while ${action}. Keep a copy, move it aside and start with a new file, or set TICKETLAB_DB to another file.`;
    case 'busy':
      return `The database ${file} stayed locked by another process while ${action}. Another Ticket Lab window or CLI command is probably writing to it; try again in a moment.`;
    case 'cannot_open':
      return `Cannot open the database ${file} while ${action}: ${detail}. Check that the folder exists and is writable.`;
    case 'io':
      return `The operating system failed to read or write ${file} while ${action} (${detail}). Check the disk; nothing already saved was changed by this failed write.`;
    default:
      return `Database error while ${action} (${file}): ${detail}`;
  }
}

/** Converts any error thrown while doing `action` into a StoreError (StoreErrors pass through unchanged). */
export function toStoreError(err: unknown, file: string, action: string): unknown {
  if (err instanceof StoreError) return err;
  if (isSqliteError(err)) {
    const code = err.code;
    if (code.startsWith('SQLITE_CONSTRAINT_FOREIGNKEY')) {
      return new StoreError(
        'not_found',
        `Cannot finish ${action}: the run it refers to does not exist (was it deleted?) in ${file}.`,
        file,
        code,
        { cause: err },
      );
    }
    const kind = kindOfSqliteCode(code);
    return new StoreError(kind, describeFailure(kind, action, file, err.message), file, code, { cause: err });
  }
  return err;
}

/** Runs `fn`, translating SQLite failures into StoreErrors that name `file` and `action`. */
export function withStoreErrors<T>(file: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toStoreError(err, file, action);
  }
}
