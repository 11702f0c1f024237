// Read-side helpers shared by the CLI and the app's handlers.
import type { RunDetail, RunSummary } from '../../common/contract';
import { toRunSummary, type Store } from '../store/db';

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export function runDetail(store: Store, id: string): RunDetail {
  const d = store.getRunDetail(id);
  if (!d) throw new NotFoundError(`no run with id ${id}`);
  return d;
}

/** Newest first. `live` overlays the in-memory progress of running runs (heartbeats are throttled). */
export function listSummaries(
  store: Store,
  limit?: number,
  live?: (id: string) => { round: number; iteration: number } | null,
): RunSummary[] {
  return store.listRuns(limit ? { limit } : {}).map((r) => {
    const s = toRunSummary(r);
    const l = live?.(r.id);
    return l ? { ...s, currentRound: l.round, currentIteration: l.iteration } : s;
  });
}

/** A full id or a unique prefix of one. */
export function resolveRunRef(store: Store, ref: string): string {
  if (!/^[0-9a-f]{1,64}$/.test(ref)) throw new NotFoundError(`"${ref}" is not a run id (hex digits)`);
  if (store.getRun(ref)) return ref;
  const matches = store.findRuns(ref);
  if (matches.length === 1) return matches[0].id;
  if (matches.length === 0) throw new NotFoundError(`no run matches "${ref}" (see \`ticketlab list\`)`);
  throw new NotFoundError(`"${ref}" is ambiguous: ${matches.map((m) => m.id).join(', ')}`);
}
