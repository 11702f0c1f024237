import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../../../common/spec';
import {
  buildInput,
  effectiveValue,
  flattenSpec,
  isChanged,
  issuesByPath,
  netFitsDataset,
  stepOfPath,
  stepsWithIssues,
  validateLocal,
} from './draft';

const fc = defaultSpec('fc');

describe('wizard draft', () => {
  it('shows paper defaults for untouched fields and overrides for touched ones', () => {
    const o = { 'training.iterations': 3000 };
    expect(effectiveValue(fc, o, 'training.iterations')).toBe(3000);
    expect(effectiveValue(fc, o, 'training.lr')).toBe(1.2e-3);
    expect(isChanged(fc, o, 'training.iterations')).toBe(true);
    expect(isChanged(fc, { 'training.lr': 1.2e-3 }, 'training.lr')).toBe(false);
  });

  it('sends only values that differ from the defaults, and drops empty optional fields', () => {
    const input = buildInput('fc', fc, {
      'training.iterations': 200,
      'training.lr': 1.2e-3,
      'dataset.id': 'mnist',
      'dataset.trainLimit': 2000,
      'dataset.testLimit': null,
      name: '',
      'pruning.rates.dense': 0.3,
    });
    expect(input).toEqual({ net: 'fc', training: { iterations: 200 }, dataset: { trainLimit: 2000 }, pruning: { rates: { dense: 0.3 } } });
    expect(validateLocal(input).ok).toBe(true);
  });

  it('flattens a preset into overrides that rebuild the same spec', () => {
    const preset = { name: 'quick', net: 'fc', dataset: { id: 'mnist' }, training: { iterations: 3000, evalEvery: 500 }, pruning: { rounds: 8 } };
    const o = flattenSpec(preset);
    expect(o).toEqual({ name: 'quick', 'dataset.id': 'mnist', 'training.iterations': 3000, 'training.evalEvery': 500, 'pruning.rounds': 8 });
    const v = validateLocal(buildInput('fc', fc, o));
    expect(v.ok && v.spec.training.iterations).toBe(3000);
  });

  it('reports cleared and out-of-range fields at their paths, with plain words', () => {
    const v = validateLocal(buildInput('fc', fc, { 'training.lr': null, 'pruning.rounds': 0, 'pruning.rates.dense': 1.5 }));
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const by = issuesByPath(v.issues);
    expect(by.get('training.lr')).toEqual(['Enter a number.']);
    expect(by.get('pruning.rounds')?.[0]).toMatch(/greater than 0|at least/);
    expect(by.get('pruning.rates.dense')).toEqual(['Must be at most 99%.']);
    expect([...stepsWithIssues(v.issues)].sort()).toEqual(['schedule', 'training']);
  });

  it('catches cross-field problems (eval interval beyond iterations, net/dataset mismatch)', () => {
    const a = validateLocal(buildInput('fc', fc, { 'training.iterations': 100, 'training.evalEvery': 500 }));
    expect(!a.ok && a.issues.map((i) => i.path)).toEqual(['training.evalEvery']);
    expect(!a.ok && a.issues[0].message).toBe('Must be at most the iterations per round (100)');
    const b = validateLocal(buildInput('fc', fc, { 'dataset.id': 'cifar10' }));
    expect(!b.ok && b.issues[0].path).toBe('dataset.id');
  });

  it('matches nets to datasets by image shape and maps paths to steps', () => {
    expect(netFitsDataset('fc', 'mnist')).toBe(true);
    expect(netFitsDataset('fc', 'cifar10')).toBe(false);
    expect(netFitsDataset('conv4', 'cifar10')).toBe(true);
    expect(stepOfPath('dataset.trainLimit')).toBe('dataset');
    expect(stepOfPath('pruning.rates.conv')).toBe('schedule');
    expect(stepOfPath('pruning.mask0')).toBe('mask0');
    expect(stepOfPath('seed')).toBe('seed');
    expect(stepOfPath('')).toBe('review');
  });
});
