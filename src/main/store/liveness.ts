// Is the process that claimed a run still alive? Used to turn runs left 'running' by a crashed or killed
// process into 'interrupted'.
import os from 'node:os';
import { randomUUID } from 'node:crypto';

/** This machine's name, stored with each claim: a pid only means something on the machine that issued it. */
export const HOST = os.hostname();

/**
 * A random token for this process, stored with the claims it makes. A later process can get the same pid
 * (always pid 1 in a container), so "owner_pid === process.pid" alone does not prove the claim is ours.
 * Kept on globalThis so that two bundled copies of this module in one process agree.
 */
const TOKEN_KEY = Symbol.for('ticketlab.store.processToken');
const g = globalThis as { [TOKEN_KEY]?: string };
export const PROCESS_TOKEN: string = (g[TOKEN_KEY] ??= randomUUID());

/**
 * Whether a process with this pid exists on this machine. Only a definite "no such process" (ESRCH) counts
 * as dead: EPERM means it exists but belongs to another user, and any other doubt keeps the run alive
 * (the heartbeat staleness check still catches it).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export interface Owner {
  pid: number | null;
  host: string | null;
  token: string | null;
}

/** Why a claimed run's owner is known to be gone, or null when it may still be alive. */
export function ownerGoneReason(owner: Owner): string | null {
  if (owner.pid === null || owner.host !== HOST) return null; // nothing to check here: heartbeat only
  if (owner.pid === process.pid) {
    return owner.token === PROCESS_TOKEN ? null : `an earlier process with the same pid (${owner.pid}) claimed it and has ended`;
  }
  return isProcessAlive(owner.pid) ? null : `the process that was training it (pid ${owner.pid}) has ended`;
}
