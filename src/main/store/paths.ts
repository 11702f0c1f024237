// Where the run database lives by default: the user's per-platform application-data folder, or the file
// named by the TICKETLAB_DB environment variable.
import os from 'node:os';
import path from 'node:path';

export const DB_ENV = 'TICKETLAB_DB';
export const DB_FILENAME = 'ticketlab.sqlite';

export interface PathEnvironment {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The default database file:
 * - `TICKETLAB_DB` if set (resolved against the current folder);
 * - Linux and other Unixes: `$XDG_DATA_HOME/ticketlab/ticketlab.sqlite`, else `~/.local/share/ticketlab/…`;
 * - macOS: `~/Library/Application Support/Ticket Lab/ticketlab.sqlite`;
 * - Windows: `%APPDATA%\Ticket Lab\ticketlab.sqlite` (else `~\AppData\Roaming\Ticket Lab\…`).
 * The parameters exist so every platform can be tested on any machine.
 */
export function defaultDbPath({ env = process.env, platform = process.platform, home = os.homedir() }: PathEnvironment = {}): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = env[DB_ENV];
  if (override && override.trim() !== '') return p.resolve(override);
  switch (platform) {
    case 'win32': {
      const appData = env.APPDATA && p.isAbsolute(env.APPDATA) ? env.APPDATA : p.join(home, 'AppData', 'Roaming');
      return p.join(appData, 'Ticket Lab', DB_FILENAME);
    }
    case 'darwin':
      return p.join(home, 'Library', 'Application Support', 'Ticket Lab', DB_FILENAME);
    default: {
      // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
      const dataHome = env.XDG_DATA_HOME && p.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : p.join(home, '.local', 'share');
      return p.join(dataHome, 'ticketlab', DB_FILENAME);
    }
  }
}
