// Schema 2: experiments, training keys, and copying a completed round from one run to another (reuse).
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/store/db';
import { migrate, MIGRATIONS, userVersion } from '../../../src/main/store/migrations';
import { floats, newRun, removeDir, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => removeDir(tmp));

const summary = {
  percentRemaining: 100,
  layers: [{ name: 'dense1', kind: 'dense' as const, total: 6, alive: 6 }],
  earlyStopIteration: 100,
  earlyStopTestAccuracy: 0.9,
  earlyStopTestLoss: 0.3,
  finalTestAccuracy: 0.91,
  finalTestLoss: 0.29,
  bestTestAccuracy: 0.91,
  wallMs: 1234,
};
const point = (it: number) => ({ iteration: it, trainLoss: 1, testLoss: 0.3, testAccuracy: 0.9, valLoss: 0.31, valAccuracy: 0.89 });

describe('experiments and reuse (schema 2)', () => {
  it('upgrades a schema-1 file in place, keeping its runs', () => {
    const file = path.join(tmp, 'v1.sqlite');
    const db = new Database(file);
    migrate(db, file, MIGRATIONS.slice(0, 1));
    expect(userVersion(db)).toBe(1);
    const r = newRun(1);
    db.prepare(
      `INSERT INTO runs (id, name, spec_json, canonical, status, created_at, total_rounds) VALUES (?, ?, ?, ?, 'completed', '2026-01-01T00:00:00Z', 4)`,
    ).run(r.id, r.name, JSON.stringify(r.spec), r.canonical);
    db.close();
    const store = openStore(file);
    try {
      expect(userVersion(store.connection)).toBe(MIGRATIONS.length);
      expect(store.getRun(r.id)?.status).toBe('completed');
      expect(store.listExperiments()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('stores experiments idempotently and finds them by prefix', () => {
    const store = openStore(path.join(tmp, 'exp.sqlite'));
    try {
      const a = store.createExperiment({ id: 'abc123', name: 'fig 1', spec: { kind: 'experiment', net: 'fc' } });
      expect(a.existed).toBe(false);
      expect(store.createExperiment({ id: 'abc123', name: 'other', spec: {} }).existed).toBe(true);
      expect(store.getExperiment('abc123')).toMatchObject({ name: 'fig 1', spec: { kind: 'experiment', net: 'fc' } });
      expect(store.findExperiments('abc').map((e) => e.id)).toEqual(['abc123']);
    } finally {
      store.close();
    }
  });

  it('finds a donor by training key and copies its round 0 (summary, evals, tensors) atomically, recording the reuse', () => {
    const store = openStore(path.join(tmp, 'reuse.sqlite'));
    try {
      const donor = newRun(1);
      const taker = newRun(2);
      store.createRun(donor);
      store.createRun(taker);
      store.setTrainingKey(donor.id, 'key-1');
      store.setTrainingKey(taker.id, 'key-1');
      expect(store.findTrainingDonor('key-1', taker.id)).toBeNull(); // no completed round 0 yet
      store.addEval(donor.id, 0, point(100));
      const w = floats(6, 3);
      store.completeRound(donor.id, 0, { summary, tensors: [{ layer: 'dense1', role: 'w_f', shape: [2, 3], data: w }] });
      expect(store.findTrainingDonor('key-1', taker.id)).toBe(donor.id);
      expect(store.findTrainingDonor('key-1', donor.id)).toBeNull(); // never itself
      expect(store.findTrainingDonor('key-2', taker.id)).toBeNull();

      store.addEval(taker.id, 0, point(50)); // a partial round-0 evaluation of its own is replaced
      store.copyRound(donor.id, taker.id, 0, donor.id);
      expect(store.getRun(taker.id)?.reusedTraining).toBe(donor.id);
      expect(store.getRounds(taker.id)[0]).toMatchObject({ round: 0, earlyStopTestAccuracy: 0.9, wallMs: 1234 });
      expect(store.getEvals(taker.id)).toEqual([{ round: 0, points: [point(100)] }]);
      expect(store.getTensor(taker.id, 0, 'dense1', 'w_f')).toEqual(w);
      expect(() => store.copyRound(donor.id, taker.id, 0, donor.id)).not.toThrow(); // idempotent
      expect(() => store.copyRound(taker.id, donor.id, 3, taker.id)).toThrow(/no completed round 3/);
      expect(store.getRounds(donor.id)).toHaveLength(1); // the failed copy changed nothing
    } finally {
      store.close();
    }
  });
});
