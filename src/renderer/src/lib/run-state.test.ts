import { describe, expect, it } from 'vitest';
import type { EvalPoint, RoundSummary, RunDetail, RunSummary } from '../../../common/contract';
import { defaultSpec } from '../../../common/spec';
import { experimentState, pushLoss, runFraction, upsertEval, upsertRound } from './run-state';

function summary(extra: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'abcd1234',
    name: null,
    net: 'fc',
    dataset: 'mnist',
    criterion: 'large_final',
    mask1: 'rewind',
    mask0: 'zero',
    seed: 0,
    status: 'running',
    error: null,
    backend: 'wasm',
    createdAt: '2025-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    currentRound: 0,
    currentIteration: 0,
    totalRounds: 4,
    roundsDone: 0,
    experimentId: null,
    reusedTraining: null,
    ...extra,
  };
}
function detail(): RunDetail {
  return { summary: summary(), spec: defaultSpec('fc'), canonical: '{}', backendReason: null, rounds: [], evals: [] };
}
const pt = (iteration: number, testAccuracy = 0.9): EvalPoint => ({
  iteration,
  trainLoss: 1,
  testLoss: 1,
  testAccuracy,
  valLoss: 1,
  valAccuracy: 0.9,
});
const rs = (round: number): RoundSummary => ({
  round,
  percentRemaining: 100,
  layers: [],
  earlyStopIteration: 1,
  earlyStopTestAccuracy: 0.9,
  earlyStopTestLoss: 1,
  finalTestAccuracy: 0.9,
  finalTestLoss: 1,
  bestTestAccuracy: 0.9,
  wallMs: 1,
});

describe('run state updates', () => {
  it('upserts evaluation points: replays are harmless and order is kept', () => {
    const d = detail();
    upsertEval(d, 1, pt(200));
    upsertEval(d, 1, pt(100));
    upsertEval(d, 0, pt(100));
    upsertEval(d, 1, pt(200, 0.95)); // the same point again (a replayed event) replaces, never duplicates
    expect(d.evals.map((e) => e.round)).toEqual([0, 1]);
    expect(d.evals[1].points.map((p) => [p.iteration, p.testAccuracy])).toEqual([
      [100, 0.9],
      [200, 0.95],
    ]);
  });

  it('upserts round summaries in order', () => {
    const d = detail();
    upsertRound(d, rs(1));
    upsertRound(d, rs(0));
    upsertRound(d, rs(1));
    expect(d.rounds.map((r) => r.round)).toEqual([0, 1]);
  });

  it('keeps a bounded live-loss buffer per round', () => {
    let b = pushLoss(undefined, { round: 0, iteration: 1, loss: 2 });
    b = pushLoss(b, { round: 0, iteration: 1, loss: 2 }); // duplicate iteration ignored
    b = pushLoss(b, { round: 0, iteration: 2, loss: Number.NaN }); // non-finite ignored
    expect(b.samples).toHaveLength(1);
    b = pushLoss(b, { round: 1, iteration: 5, loss: 1 }); // new round starts a new buffer
    expect(b).toEqual({ round: 1, samples: [{ iteration: 5, loss: 1 }] });
    for (let i = 6; i < 200; i++) b = pushLoss(b, { round: 1, iteration: i, loss: 1 / i }, 50);
    expect(b.samples.length).toBeLessThanOrEqual(50);
    expect(b.samples[b.samples.length - 1].iteration).toBe(199);
  });

  it('computes overall progress from rounds and the live iteration', () => {
    const p = { runId: 'abcd1234', round: 2, totalRounds: 4, iteration: 50, iterations: 100, loss: 1, itPerSec: 1, etaSeconds: 1 };
    expect(runFraction(summary(), p)).toBeCloseTo(2.5 / 4);
    expect(runFraction(summary({ status: 'cancelled', roundsDone: 1 }))).toBe(0.25);
    expect(runFraction(summary({ status: 'completed' }))).toBe(1);
  });
});

describe('experiment state', () => {
  it('is running or queued while any run is, completed when all are, else incomplete', () => {
    const s = (o: Partial<{ runs: number; completed: number; running: number; queued: number; failed: number }>) => ({
      runs: 4,
      completed: 0,
      running: 0,
      queued: 0,
      failed: 0,
      ...o,
    });
    expect(experimentState(s({ running: 1, queued: 3 })).key).toBe('running');
    expect(experimentState(s({ queued: 4 })).key).toBe('queued');
    expect(experimentState(s({ completed: 4 })).key).toBe('completed');
    expect(experimentState(s({ completed: 3, failed: 1 })).key).toBe('incomplete');
    expect(experimentState(s({ runs: 0 })).key).toBe('incomplete');
  });
});
