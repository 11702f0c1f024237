// Run-spec validation: every error names the field and, for choices, the allowed values.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveRunSpec, SpecError, defaultSpec } from '../../../src/common/spec';
import { repoRoot } from '../../helpers/tmp';

function issues(input: unknown): { path: string; message: string }[] {
  try {
    resolveRunSpec(input);
  } catch (err) {
    if (err instanceof SpecError) return err.issues;
    throw err;
  }
  throw new Error('expected the spec to be rejected');
}

describe('run spec', () => {
  it('fills the per-net paper defaults (Z19 Table S1)', () => {
    const fc = resolveRunSpec({ net: 'fc' });
    expect(fc.training).toMatchObject({ optimizer: 'adam', lr: 1.2e-3, batchSize: 60, iterations: 50_000 });
    expect(fc.pruning.rates).toMatchObject({ dense: 0.2, output: 0.1 });
    expect(fc.dataset.id).toBe('mnist');
    const c6 = resolveRunSpec({ net: 'conv6' });
    expect(c6.training).toMatchObject({ lr: 3e-4, iterations: 30_000 });
    expect(c6.pruning.rates.conv).toBe(0.15);
    expect(resolveRunSpec({ net: 'conv2' }).training.lr).toBe(2e-4);
    expect(defaultSpec('conv4').training.iterations).toBe(25_000);
  });

  it('merges partial sections over the defaults', () => {
    const s = resolveRunSpec({ net: 'fc', pruning: { rates: { dense: 0.3 } }, training: { iterations: 10 , evalEvery: 5 } });
    expect(s.pruning.rates).toEqual({ conv: 0.1, dense: 0.3, output: 0.1 });
    expect(s.pruning.criterion).toBe('large_final');
    expect(s.training.lr).toBe(1.2e-3);
  });

  it('names the field and the allowed values of a bad choice', () => {
    const [i] = issues({ net: 'fc', pruning: { criterion: 'largest' } });
    expect(i.path).toBe('pruning.criterion');
    expect(i.message).toContain('"large_final"');
    expect(i.message).toContain('"magnitude_increase"');
    expect(issues({ net: 'resnet' })[0]).toMatchObject({ path: 'net' });
    expect(issues({ net: 'fc', backend: 'tpu' })[0].message).toContain('"wasm"');
  });

  it('rejects unknown fields, wrong types and out-of-range numbers by path', () => {
    expect(issues({ net: 'fc', trainng: {} })[0].message).toMatch(/unknown field.*trainng/);
    expect(issues({ net: 'fc', training: { lr: 'fast' } })[0].path).toBe('training.lr');
    expect(issues({ net: 'fc', training: { batchSize: 0 } })[0].path).toBe('training.batchSize');
    expect(issues({ net: 'fc', pruning: { rates: { dense: 1.5 } } })[0].path).toBe('pruning.rates.dense');
    expect(issues({ net: 'fc', seed: -1 })[0].path).toBe('seed');
    expect(issues({})[0].path).toBe('net');
    expect(issues(null)[0].path).toBe('');
  });

  it('checks combinations: conv nets need CIFAR-10, FC needs 28x28 data, evalEvery ≤ iterations', () => {
    expect(issues({ net: 'conv2', dataset: { id: 'mnist' } })[0]).toMatchObject({ path: 'dataset.id' });
    expect(issues({ net: 'fc', dataset: { id: 'cifar10' } })[0]).toMatchObject({ path: 'dataset.id' });
    expect(issues({ net: 'fc', training: { iterations: 10, evalEvery: 100 } })[0]).toMatchObject({ path: 'training.evalEvery' });
  });

  it('accepts every shipped example', () => {
    const dir = path.join(repoRoot, 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const json = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      if (json.kind === 'experiment') continue;
      expect(() => resolveRunSpec(json), f).not.toThrow();
    }
  });
});
