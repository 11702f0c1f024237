import { describe, it, expect } from 'vitest';
import { csvCell, toCsv, runCsv } from '../../../src/main/runs/export';
import { resolveRunSpec } from '../../../src/common/spec';

describe('CSV export', () => {
  it('quotes cells that need it and leaves numbers plain', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(0.5)).toBe('0.5');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['x', 'y'], [[1, 'a\nb']])).toBe('x,y\n1,"a\nb"\n');
  });

  it('writes one row per (completed round, evaluation) with the spec fields', () => {
    const spec = resolveRunSpec({ net: 'fc', seed: 4, training: { iterations: 200, evalEvery: 100 } });
    const round = (r: number, pct: number) => ({
      round: r,
      percentRemaining: pct,
      layers: [],
      earlyStopIteration: 100,
      earlyStopTestAccuracy: 0.9,
      earlyStopTestLoss: 0.3,
      finalTestAccuracy: 0.91,
      finalTestLoss: 0.29,
      bestTestAccuracy: 0.91,
      wallMs: 1000,
    });
    const pt = (it: number) => ({ iteration: it, trainLoss: 1, testLoss: 0.3, testAccuracy: 0.9, valLoss: 0.31, valAccuracy: 0.89 });
    const csv = runCsv({
      runId: 'abc',
      spec,
      backend: 'wasm',
      rounds: [round(0, 100), round(1, 80.00123)],
      evals: [
        { round: 0, points: [pt(100), pt(200)] },
        { round: 1, points: [pt(100), pt(200)] },
        { round: 2, points: [pt(100)] }, // in progress: not exported
      ],
    });
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(5);
    const header = lines[0].split(',');
    const row = Object.fromEntries(lines[3].split(',').map((v, i) => [header[i], v]));
    expect(row).toMatchObject({ run_id: 'abc', round: '1', percent_remaining: '80.0012', iteration: '100', seed: '4', criterion: 'large_final', mask1_action: 'rewind', mask0_action: 'zero', backend: 'wasm' });
  });
});
