// Pure updates of run state from contract events. The runs store calls these; keeping them pure makes
// the merge rules (dedupe, ordering, terminal states) easy to test and to reason about.
import type { EvalPoint, ProgressEvent, RoundSummary, RunDetail, RunStatus, RunSummary } from '../../../common/contract';
import type { LossSample } from './chart-data';

export const TERMINAL: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];
export const ACTIVE: readonly RunStatus[] = ['queued', 'running'];

export function isTerminal(s: RunStatus): boolean {
  return TERMINAL.includes(s);
}
export function isActive(s: RunStatus): boolean {
  return ACTIVE.includes(s);
}

/** Insert or replace one evaluation point (same round and iteration = same point), keeping order. */
export function upsertEval(detail: RunDetail, round: number, point: EvalPoint): void {
  let entry = detail.evals.find((e) => e.round === round);
  if (!entry) {
    entry = { round, points: [] };
    detail.evals.push(entry);
    detail.evals.sort((a, b) => a.round - b.round);
  }
  const i = entry.points.findIndex((p) => p.iteration === point.iteration);
  if (i >= 0) entry.points[i] = point;
  else {
    entry.points.push(point);
    if (entry.points.length > 1 && entry.points[entry.points.length - 2].iteration > point.iteration) {
      entry.points.sort((a, b) => a.iteration - b.iteration);
    }
  }
}

/** Insert or replace a completed round's summary, keeping rounds in order. */
export function upsertRound(detail: RunDetail, round: RoundSummary): void {
  const i = detail.rounds.findIndex((r) => r.round === round.round);
  if (i >= 0) detail.rounds[i] = round;
  else {
    detail.rounds.push(round);
    detail.rounds.sort((a, b) => a.round - b.round);
  }
}

/**
 * Keep a bounded, thinned buffer of live minibatch losses for the round in progress. A new round
 * starts a new buffer; when it grows past `cap`, every other sample is dropped (the curve keeps its shape).
 */
export function pushLoss(
  buffer: { round: number; samples: LossSample[] } | undefined,
  ev: Pick<ProgressEvent, 'round' | 'iteration' | 'loss'>,
  cap = 1200,
): { round: number; samples: LossSample[] } {
  const b = buffer && buffer.round === ev.round ? buffer : { round: ev.round, samples: [] };
  if (!Number.isFinite(ev.loss)) return b;
  const last = b.samples[b.samples.length - 1];
  if (last && ev.iteration <= last.iteration) {
    if (ev.iteration < last.iteration)
      b.samples = []; // the round restarted (resume): start over
    else return b;
  }
  b.samples.push({ iteration: ev.iteration, loss: ev.loss });
  if (b.samples.length > cap) b.samples = b.samples.filter((_, i) => i % 2 === 0 || i === b.samples.length - 1);
  return b;
}

/** Overall progress of a run in [0, 1]: completed rounds plus the fraction of the current one. */
export function runFraction(summary: RunSummary, progress?: ProgressEvent | null): number {
  if (summary.status === 'completed') return 1;
  const total = Math.max(1, summary.totalRounds);
  if (progress && summary.status === 'running') {
    const within = progress.iterations > 0 ? Math.min(1, progress.iteration / progress.iterations) : 0;
    return Math.min(1, (progress.round + within) / total);
  }
  return Math.min(1, summary.roundsDone / total);
}

/** Sort runs newest first (by creation time, then id for stability). */
export function newestFirst(a: RunSummary, b: RunSummary): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? -1 : 1;
}

/** An experiment's state in one word, from its run counts (failed, cancelled and interrupted count as stopped). */
export function experimentState(s: { runs: number; completed: number; running: number; queued: number; failed: number }): {
  key: 'running' | 'queued' | 'completed' | 'incomplete';
  label: string;
  type: 'info' | 'default' | 'success' | 'warning';
} {
  if (s.running > 0) return { key: 'running', label: 'Running', type: 'info' };
  if (s.queued > 0) return { key: 'queued', label: 'Queued', type: 'default' };
  if (s.runs > 0 && s.completed === s.runs) return { key: 'completed', label: 'Completed', type: 'success' };
  return { key: 'incomplete', label: 'Incomplete', type: 'warning' };
}
