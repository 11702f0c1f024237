import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expandExperiment, isExperimentInput } from '../../../src/common/experiment';
import { SpecError } from '../../../src/common/spec';
import { runIdOf, experimentIdOf, trainingKeyOf } from '../../../src/main/runs/id';
import { repoRoot } from '../../helpers/tmp';

describe('experiment specs', () => {
  it('expand every listed axis × seeds into resolved runs, variant-major', () => {
    const e = expandExperiment({ kind: 'experiment', net: 'fc', seeds: 3, pruning: { criterion: ['large_final', 'random'], mask1: ['rewind', 'reinit'] } });
    expect(e.runs).toHaveLength(12);
    expect(e.varying).toEqual(['criterion', 'mask1']);
    expect(e.seeds).toEqual([0, 1, 2]);
    expect(e.runs.slice(0, 3).map((r) => [r.variant, r.seed])).toEqual([
      [{ criterion: 'large_final', mask1: 'rewind' }, 0],
      [{ criterion: 'large_final', mask1: 'rewind' }, 1],
      [{ criterion: 'large_final', mask1: 'rewind' }, 2],
    ]);
    expect(new Set(e.runs.map((r) => runIdOf(r.spec))).size).toBe(12);
  });

  it('default to 5 seeds; explicit seed lists; per-net defaults for a net axis', () => {
    expect(expandExperiment({ kind: 'experiment', net: 'fc' }).seeds).toEqual([0, 1, 2, 3, 4]);
    expect(expandExperiment({ kind: 'experiment', net: 'fc', seeds: [7, 9] }).runs.map((r) => r.seed)).toEqual([7, 9]);
    const e = expandExperiment({ kind: 'experiment', net: ['conv2', 'conv6'], seeds: 1 });
    expect(e.runs.map((r) => [r.spec.net, r.spec.training.lr, r.spec.pruning.rates.conv])).toEqual([
      ['conv2', 2e-4, 0.1],
      ['conv6', 3e-4, 0.15],
    ]);
  });

  it('name bad fields with their path and allowed values', () => {
    try {
      expandExperiment({ kind: 'experiment', net: 'fc', pruning: { criterion: ['large_final', 'nope'] } });
      throw new Error('expected rejection');
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      const i = (err as SpecError).issues[0];
      expect(i.path).toBe('pruning.criterion.1');
      expect(i.message).toContain('"magnitude_increase"');
    }
    expect(() => expandExperiment({ kind: 'experiment', net: 'conv2', dataset: { id: 'mnist' } })).toThrow(/dataset.id/);
  });

  it('ids: the experiment id is order-free over its runs; runs sharing data/net/seed/training share a training key', () => {
    const a = expandExperiment({ kind: 'experiment', net: 'fc', seeds: 2, pruning: { criterion: ['large_final', 'random'] } });
    const b = expandExperiment({ kind: 'experiment', net: 'fc', seeds: 2, pruning: { criterion: ['random', 'large_final'] } });
    expect(experimentIdOf(a.runs.map((r) => runIdOf(r.spec)))).toBe(experimentIdOf(b.runs.map((r) => runIdOf(r.spec))));
    const keys = a.runs.map((r) => trainingKeyOf(r.spec, 'wasm'));
    expect(keys[0]).toBe(keys[2]); // large_final seed 0 and random seed 0
    expect(keys[0]).not.toBe(keys[1]); // different seed
    expect(trainingKeyOf(a.runs[0].spec, 'cpu')).not.toBe(keys[0]); // backends never mix
  });

  it('every shipped experiment example validates', () => {
    const dir = path.join(repoRoot, 'examples');
    const exps = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8'))] as const)
      .filter(([, j]) => isExperimentInput(j));
    expect(exps.length).toBeGreaterThanOrEqual(9);
    for (const [f, j] of exps) expect(() => expandExperiment(j), f).not.toThrow();
    const fig1 = expandExperiment(JSON.parse(readFileSync(path.join(dir, 'z19-fig1-fc-quick.json'), 'utf8')));
    expect(fig1.seeds).toHaveLength(3);
    expect(fig1.runs[0].spec.training.iterations).toBe(1000);
    expect(fig1.runs[0].spec.pruning.rounds).toBe(8);
  });
});
