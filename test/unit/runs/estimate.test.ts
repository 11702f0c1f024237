import { describe, it, expect } from 'vitest';
import { resolveRunSpec } from '../../../src/common/spec';
import { estimateFromSpeed, evalImages, evaluationsPerRound } from '../../../src/main/runs/estimate';

describe('run-time estimate', () => {
  it('scales a measured speed to the spec: iterations, evaluations, rounds', () => {
    const spec = resolveRunSpec({ net: 'fc', training: { iterations: 3000, evalEvery: 500 }, pruning: { rounds: 8 } });
    expect(evaluationsPerRound(spec)).toBe(6);
    expect(evalImages(spec)).toBe(5000 + 10000);
    const e = estimateFromSpeed(spec, { net: 'fc', batchSize: 60, backend: 'wasm', secondsPerStep: 0.01, secondsPerEvalImage: 1e-4 }, 'Measured');
    // per round: 3000 × 0.01 + 6 × 15000 × 1e-4 = 30 + 9 = 39 s; 8 rounds
    expect(e.totalSeconds).toBeCloseTo(8 * 39, 6);
    expect(e.secondsPerEval).toBeCloseTo(1.5, 9);
    expect(e.note).toMatch(/100 it\/s/);
  });

  it('counts a last partial evaluation and honours test limits', () => {
    const spec = resolveRunSpec({ net: 'fc', dataset: { testLimit: 1000, validation: 2000 }, training: { iterations: 1050, evalEvery: 500 } });
    expect(evaluationsPerRound(spec)).toBe(3);
    expect(evalImages(spec)).toBe(3000);
  });
});
