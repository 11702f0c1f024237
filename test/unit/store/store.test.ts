// The repository API on a real SQLite file: runs (create/get/list/find/status), streamed evaluations,
// completed rounds with their tensors, atomicity of completeRound, resume helpers and deletion.
import path from 'node:path';
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StoreError, toRunSummary, type Store } from '../../../src/main/store/db';
import { evalPoint, floats, LAYERS, newRun, removeDir, roundResult, sameData, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => removeDir(tmp));

let store: Store;
let file: string;
let clock: number;
let counter = 0;
beforeEach(() => {
  file = path.join(tmp, `store-${++counter}.sqlite`);
  clock = Date.parse('2025-01-01T00:00:00.000Z');
  store = openStore(file, { now: () => clock });
});
afterEach(() => store.close());

function expectStoreError(fn: () => unknown, kind: StoreError['kind'], message?: RegExp): StoreError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreError);
  const err = caught as StoreError;
  expect(err.kind).toBe(kind);
  if (message) expect(err.message).toMatch(message);
  expect(err.file).toBe(file);
  return err;
}

describe('runs', () => {
  it('creates a queued run and reads it back', () => {
    const r = newRun(1, { experimentId: 'exp1' });
    const { run, existed } = store.createRun(r);
    expect(existed).toBe(false);
    expect(run).toMatchObject({
      id: r.id,
      name: 'seed 1',
      canonical: r.canonical,
      status: 'queued',
      totalRounds: 4,
      roundsDone: 0,
      experimentId: 'exp1',
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: null,
      ownerPid: null,
    });
    expect(run.spec).toEqual(r.spec);
    expect(store.getRun(r.id)).toEqual(run);
    expect(store.getRun('nope')).toBeNull();
  });

  it('is idempotent: the same id returns the stored run and says so', () => {
    const r = newRun(2);
    store.createRun(r);
    store.setStatus(r.id, 'failed', { error: 'boom' });
    const again = store.createRun({ ...r, name: 'another label' });
    expect(again.existed).toBe(true);
    expect(again.run.status).toBe('failed');
    expect(again.run.name).toBe('seed 2');
    expect(store.listRuns()).toHaveLength(1);
  });

  it('refuses an existing id whose canonical spec differs', () => {
    const r = newRun(3);
    store.createRun(r);
    expectStoreError(() => store.createRun({ ...r, canonical: '{"net":"conv2"}' }), 'conflict', /different run with the same id/);
  });

  it('lists newest first, filters by status and experiment, limits', () => {
    const ids: string[] = [];
    for (let seed = 0; seed < 5; seed++) {
      clock += 1000;
      const r = newRun(seed, { experimentId: seed % 2 ? 'odd' : null });
      store.createRun(r);
      ids.push(r.id);
    }
    store.setStatus(ids[1], 'completed');
    store.setStatus(ids[3], 'failed', { error: 'x' });
    expect(store.listRuns().map((r) => r.id)).toEqual([...ids].reverse());
    expect(store.listRuns({ limit: 2 }).map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(store.listRuns({ status: 'queued' }).map((r) => r.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect(store.listRuns({ status: ['completed', 'failed'] }).map((r) => r.id)).toEqual([ids[3], ids[1]]);
    expect(store.listRuns({ experimentId: 'odd' }).map((r) => r.id)).toEqual([ids[3], ids[1]]);
  });

  it('finds runs by id prefix', () => {
    const a = newRun(10);
    const b = newRun(11);
    store.createRun(a);
    store.createRun(b);
    expect(store.findRuns(a.id.slice(0, 6)).map((r) => r.id)).toEqual([a.id]);
    expect(store.findRuns(a.id).map((r) => r.id)).toEqual([a.id]);
    expect(store.findRuns('zz')).toEqual([]);
    expect(store.findRuns('')).toEqual([]);
    // A prefix shared by both (the empty common prefix aside, try every length until they differ).
    let common = 0;
    while (a.id[common] === b.id[common]) common++;
    if (common > 0) expect(store.findRuns(a.id.slice(0, common))).toHaveLength(2);
  });

  it('tracks status times, error and backend through a run’s life', () => {
    const r = newRun(4);
    store.createRun(r);
    clock += 1000;
    let run = store.claimRun(r.id, process.pid);
    expect(run).toMatchObject({
      status: 'running',
      ownerPid: process.pid,
      startedAt: '2025-01-01T00:00:01.000Z',
      heartbeatAt: '2025-01-01T00:00:01.000Z',
    });
    run = store.setStatus(r.id, 'running', { backend: 'cpu', backendReason: 'tfjs-node not installed' });
    expect(run).toMatchObject({ backend: 'cpu', backendReason: 'tfjs-node not installed', error: null });
    clock += 1000;
    expect(store.heartbeat(r.id, { round: 1, iteration: 250 })).toBe(true);
    expect(store.getRun(r.id)).toMatchObject({ currentRound: 1, currentIteration: 250, heartbeatAt: '2025-01-01T00:00:02.000Z' });
    run = store.setStatus(r.id, 'failed', { error: 'out of memory' });
    expect(run).toMatchObject({
      status: 'failed',
      error: 'out of memory',
      finishedAt: '2025-01-01T00:00:02.000Z',
      ownerPid: null,
      backend: 'cpu',
    });
    expect(store.heartbeat(r.id, { round: 1, iteration: 300 })).toBe(false); // no longer running
    // Queued again (resume): a fresh attempt clears the error and the finish time, keeps the first start.
    run = store.setStatus(r.id, 'queued');
    expect(run).toMatchObject({ status: 'queued', error: null, finishedAt: null, startedAt: '2025-01-01T00:00:01.000Z' });
    expect(toRunSummary(run)).toMatchObject({ id: r.id, net: 'fc', dataset: 'mnist', criterion: 'large_final', seed: 4, status: 'queued' });
  });

  it('rejects unknown runs and statuses with clear errors', () => {
    expectStoreError(() => store.setStatus('missing', 'completed'), 'not_found', /no run missing/);
    expectStoreError(() => store.claimRun('missing', process.pid), 'not_found', /no run missing/);
    const r = newRun(5);
    store.createRun(r);
    expectStoreError(() => store.setStatus(r.id, 'paused' as never), 'invalid', /must be one of/);
    expectStoreError(() => store.addEval('missing', 0, evalPoint(100)), 'not_found', /does not exist/);
  });
});

describe('evaluations and rounds', () => {
  it('streams evaluations, completes rounds with all their tensors, and reads them back exactly', () => {
    const r = newRun(6);
    store.createRun(r);
    for (let round = 0; round < 2; round++) {
      for (const it of [100, 200, 300]) store.addEval(r.id, round, evalPoint(it, 0.5 + round / 10));
      const result = roundResult(round);
      const saved = store.completeRound(r.id, round, result);
      expect(saved).toMatchObject({ ...result.summary, finishedAt: '2025-01-01T00:00:00.000Z' });
    }
    store.addEval(r.id, 2, evalPoint(100)); // the round in progress

    expect(store.getRounds(r.id).map((x) => x.round)).toEqual([0, 1]);
    expect(store.getRounds(r.id)[1].layers).toEqual(roundResult(1).summary.layers);
    expect(store.lastCompletedRound(r.id)).toBe(1);
    expect(store.getRun(r.id)?.roundsDone).toBe(2);

    const curves = store.getEvals(r.id);
    expect(curves.map((c) => [c.round, c.points.map((p) => p.iteration)])).toEqual([
      [0, [100, 200, 300]],
      [1, [100, 200, 300]],
      [2, [100]],
    ]);
    expect(curves[1].points[0]).toEqual(evalPoint(100, 0.6));
    expect(store.getEvals(r.id, 1)).toEqual([curves[1]]);

    for (const t of roundResult(1).tensors) {
      const rec = store.getTensorRecord(r.id, 1, t.layer, t.role);
      expect(rec?.shape).toEqual(t.shape);
      expect(sameData(rec?.data, t.data)).toBe(true);
    }
    const mask = store.getTensor(r.id, 1, 'dense1', 'mask');
    expect(mask).toBeInstanceOf(Uint8Array);
    expect(store.getTensor(r.id, 1, 'dense1', 'w_f')).toBeInstanceOf(Float32Array);
    expect(store.getTensor(r.id, 5, 'dense1', 'w_f')).toBeNull();
    expect(store.listTensors(r.id, 0)).toHaveLength(LAYERS.length * 5);
    expect(store.listTensors(r.id, 0).find((t) => t.layer === 'dense1' && t.role === 'mask')?.encoding).toMatch(/^bits/);

    const detail = store.getRunDetail(r.id);
    expect(detail?.rounds).toHaveLength(2);
    expect(detail?.evals).toEqual(curves);
    expect(detail?.summary.roundsDone).toBe(2);
  });

  it('keeps NaN metrics as NaN (SQLite would store NULL)', () => {
    const r = newRun(7);
    store.createRun(r);
    store.addEval(r.id, 0, { ...evalPoint(100), trainLoss: NaN, testLoss: Infinity });
    const p = store.getEvals(r.id, 0)[0].points[0];
    expect(p.trainLoss).toBeNaN();
    expect(p.testLoss).toBe(Infinity);
    const result = roundResult(0);
    store.completeRound(r.id, 0, { ...result, summary: { ...result.summary, earlyStopTestLoss: NaN } });
    expect(store.getRounds(r.id)[0].earlyStopTestLoss).toBeNaN();
  });

  it('replaces an evaluation sent twice for the same iteration', () => {
    const r = newRun(8);
    store.createRun(r);
    store.addEval(r.id, 0, evalPoint(100, 0.1));
    store.addEval(r.id, 0, evalPoint(100, 0.2));
    expect(store.getEvals(r.id, 0)[0].points).toEqual([evalPoint(100, 0.2)]);
  });

  it('refuses a round stored twice, and malformed tensors before writing anything', () => {
    const r = newRun(9);
    store.createRun(r);
    store.completeRound(r.id, 0, roundResult(0));
    expectStoreError(() => store.completeRound(r.id, 0, roundResult(0)), 'conflict', /already stored/);
    const bad = roundResult(1);
    bad.tensors[3] = { ...bad.tensors[3], shape: [2, 2] };
    expectStoreError(() => store.completeRound(r.id, 1, bad), 'invalid', /shape \[2, 2\] has 4 elements but data has 600/);
    const notMask = roundResult(1);
    notMask.tensors[2] = { ...notMask.tensors[2], data: new Uint8Array(600).fill(3) };
    expectStoreError(() => store.completeRound(r.id, 1, notMask), 'invalid', /only 0 and 1/);
    const floatMask = roundResult(1);
    floatMask.tensors[2] = { ...floatMask.tensors[2], data: floats(600, 1) };
    expectStoreError(() => store.completeRound(r.id, 1, floatMask), 'invalid', /mask: data must be a Uint8Array/);
    const dup = roundResult(1);
    dup.tensors.push(dup.tensors[0]);
    expectStoreError(() => store.completeRound(r.id, 1, dup), 'invalid', /given twice/);
    expectStoreError(() => store.completeRound(r.id, 2, roundResult(1)), 'invalid', /summary is of round 1/);
    expectStoreError(() => store.completeRound('missing', 0, roundResult(0)), 'not_found');
    expect(store.lastCompletedRound(r.id)).toBe(0);
  });

  it('is atomic: a failure inside the transaction stores nothing of the round', () => {
    const r = newRun(12);
    store.createRun(r);
    store.claimRun(r.id, process.pid);
    store.completeRound(r.id, 0, roundResult(0));
    store.addEval(r.id, 1, evalPoint(100));
    clock += 60_000;
    // A real SQLite failure in the middle of the round: after the round row and the first layers' tensors
    // have been inserted, inserting dense2's w_f aborts.
    store.connection.exec(`
      CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON tensors WHEN NEW.layer = 'dense2' AND NEW.role = 'w_f'
      BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;`);
    expect(() => store.completeRound(r.id, 1, roundResult(1))).toThrow(/simulated failure/);
    expect(store.getRounds(r.id).map((x) => x.round)).toEqual([0]);
    expect(store.lastCompletedRound(r.id)).toBe(0);
    expect(store.listTensors(r.id, 1)).toEqual([]);
    expect(store.getTensor(r.id, 1, 'dense1', 'w_start')).toBeNull();
    expect(store.getRun(r.id)?.heartbeatAt).toBe('2025-01-01T00:00:00.000Z'); // the run row was not touched either
    expect(store.connection.inTransaction).toBe(false);
    // Round 0 is intact and the round can be saved once the failure is gone.
    expect(store.getTensor(r.id, 0, 'dense2', 'w_f')).toEqual(
      roundResult(0).tensors.find((t) => t.layer === 'dense2' && t.role === 'w_f')?.data,
    );
    store.connection.exec(`DROP TRIGGER temp.fail_midway`);
    store.completeRound(r.id, 1, roundResult(1));
    expect(store.lastCompletedRound(r.id)).toBe(1);
  });

  it('discards the evaluations of an unfinished round but never those of a completed one', () => {
    const r = newRun(13);
    store.createRun(r);
    store.addEval(r.id, 0, evalPoint(100));
    store.completeRound(r.id, 0, roundResult(0));
    store.addEval(r.id, 1, evalPoint(100));
    store.addEval(r.id, 1, evalPoint(200));
    expect(store.discardPartialRound(r.id, 1)).toBe(2);
    expect(store.getEvals(r.id).map((c) => c.round)).toEqual([0]);
    expect(store.discardPartialRound(r.id, 0)).toBe(0); // round 0 is complete: kept
    expect(store.getEvals(r.id, 0)[0].points).toHaveLength(1);
    expect(store.lastCompletedRound(newRun(99).id)).toBeNull();
  });

  it('deletes a run with everything it owns and returns the space to the disk', () => {
    const keep = newRun(14);
    const drop = newRun(15);
    store.createRun(keep);
    store.createRun(drop);
    store.completeRound(keep.id, 0, roundResult(0));
    for (let round = 0; round < 3; round++) {
      store.addEval(drop.id, round, evalPoint(100));
      store.completeRound(drop.id, round, roundResult(round, 40)); // ~1 MB of tensors per round
    }
    store.connection.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(file).size;
    expect(store.deleteRun(drop.id)).toBe(true);
    expect(store.deleteRun(drop.id)).toBe(false);
    store.connection.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(file).size).toBeLessThan(before / 2);
    const count = (table: string) => store.connection.prepare(`SELECT count(*) FROM ${table} WHERE run_id = ?`).pluck().get(drop.id);
    expect([count('rounds'), count('evals'), count('tensors')]).toEqual([0, 0, 0]);
    expect(store.getRun(keep.id)?.roundsDone).toBe(1);
    expect(store.getTensor(keep.id, 0, 'output', 'b_f')).toEqual(
      roundResult(0).tensors.find((t) => t.layer === 'output' && t.role === 'b_f')?.data,
    );
  });
});
