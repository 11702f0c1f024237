// Command-line options of browser mode (out/node/server.js). Kept apart from browser-main.ts, whose
// import starts the server, so the parsing can be tested on its own.
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface ServerArgs {
  port: number;
  dbPath?: string;
  workers?: number;
  rendererDir?: string;
  help: boolean;
}

export const USAGE = `Usage: node out/node/server.js [options]

Serves Ticket Lab to a browser on this machine (http://127.0.0.1 only).

Options:
  --port N        TCP port (default: a free one)
  --db FILE       run store (SQLite) to open (default: the same store as the CLI)
  --workers N     trainer worker threads (default: one per core)
  --renderer DIR  built renderer folder (default: out/renderer)
  -h, --help      show this help`;

/** Parse the command line; throws an Error with a readable message on bad input. */
export function parseServerArgs(argv: string[]): ServerArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      db: { type: 'string' },
      workers: { type: 'string' },
      renderer: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port === undefined ? 0 : integerIn(values.port, '--port', 0, 65_535);
  const workers = values.workers === undefined ? undefined : integerIn(values.workers, '--workers', 1, 256);
  return {
    port,
    ...(values.db !== undefined ? { dbPath: path.resolve(values.db) } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(values.renderer !== undefined ? { rendererDir: path.resolve(values.renderer) } : {}),
    help: values.help ?? false,
  };
}

function integerIn(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max} (got "${text}")`);
  }
  return n;
}
