import { describe, expect, it } from 'vitest';
import { pruneStep, pruningSchedule, scheduleLayers } from './schedule';

const fcRates = { conv: 0.1, dense: 0.2, output: 0.1 };

describe('pruning schedule', () => {
  it('reproduces the FC % remaining of SCIENCE.md §1 (80.0, 64.1, 51.3, 41.1, 32.9, 26.3, 21.1)', () => {
    const rows = pruningSchedule(scheduleLayers('fc'), fcRates, 8, 'iterative');
    expect(rows.map((r) => r.round)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows[0].percent).toBe(100);
    expect(rows.slice(1).map((r) => r.percent.toFixed(1))).toEqual(['80.0', '64.1', '51.3', '41.1', '32.9', '26.3', '21.1']);
  });

  it('prunes floor(alive × rate) per layer and keeps per-kind figures', () => {
    expect(pruneStep(1000, 0.1)).toBe(900);
    expect(pruneStep(7, 0.2)).toBe(6); // floor(1.4) = 1
    const rows = pruningSchedule(scheduleLayers('fc'), fcRates, 2, 'iterative');
    expect(rows[1].byKind.dense).toBeCloseTo(80, 10);
    expect(rows[1].byKind.output).toBeCloseTo(90, 10);
    expect(rows[1].byKind.conv).toBeUndefined();
    expect(rows[1].alive).toBe(188160 + 24000 + 900);
    expect(rows[1].total).toBe(266200);
  });

  it('covers conv layers for conv nets', () => {
    const rows = pruningSchedule(scheduleLayers('conv6'), { conv: 0.15, dense: 0.2, output: 0.1 }, 3, 'iterative');
    expect(rows[1].byKind.conv).toBeCloseTo(85, 1);
    expect(rows[2].byKind.conv).toBeCloseTo(72.25, 1);
  });

  it('one-shot targets the same per-layer counts as the iterative schedule', () => {
    const layers = scheduleLayers('fc');
    const it = pruningSchedule(layers, fcRates, 5, 'iterative');
    const os = pruningSchedule(layers, fcRates, 5, 'one_shot');
    expect(os.map((r) => r.alive)).toEqual(it.map((r) => r.alive));
  });

  it('gives no rows for zero rounds and stays at 100% with zero rates', () => {
    expect(pruningSchedule(scheduleLayers('fc'), fcRates, 0, 'iterative')).toEqual([]);
    const flat = pruningSchedule(scheduleLayers('fc'), { conv: 0, dense: 0, output: 0 }, 3, 'iterative');
    expect(flat.every((r) => r.percent === 100)).toBe(true);
  });
});
