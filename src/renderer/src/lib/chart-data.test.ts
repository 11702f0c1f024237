import { describe, expect, it } from 'vitest';
import type { EvalPoint, RoundSummary } from '../../../common/contract';
import { buildCsv, parseCsv } from '../composables/csv';
import { accuracyCurves, accuracyVsRemaining, chartCsvTable, earlyStopVsRemaining, lossCurves, seriesPoints } from './chart-data';
import { chartOption, percentTicks } from './chart-options';

function round(r: number, pct: number, es: number, acc: number): RoundSummary {
  return {
    round: r,
    percentRemaining: pct,
    layers: [],
    earlyStopIteration: es,
    earlyStopTestAccuracy: acc,
    earlyStopTestLoss: 0.1,
    finalTestAccuracy: acc - 0.01,
    finalTestLoss: 0.2,
    bestTestAccuracy: acc + 0.005,
    wallMs: 1000,
  };
}
const rounds = [round(2, 64.1234, 300, 0.971), round(0, 100, 500, 0.965), round(1, 80.0412, 400, 0.9705)];

function point(it: number, extra: Partial<EvalPoint> = {}): EvalPoint {
  return { iteration: it, trainLoss: 1 / it, testLoss: 2 / it, testAccuracy: 0.9, valLoss: 1.5 / it, valAccuracy: 0.91, ...extra };
}

describe('chart data', () => {
  it('plots one point per round, sorted, and the CSV holds exactly those values', () => {
    const d = accuracyVsRemaining(rounds);
    const pts = seriesPoints(d, d.series[0]);
    expect(pts).toEqual([
      [100, 0.965],
      [80.0412, 0.9705],
      [64.1234, 0.971],
    ]);
    const t = chartCsvTable(d);
    const parsed = parseCsv(buildCsv(t.header, t.rows));
    expect(parsed[0]).toEqual(['round', 'percent_remaining', 'test_accuracy_at_early_stop']);
    expect(parsed.slice(1).map((r) => r.map(Number))).toEqual([
      [0, 100, 0.965],
      [1, 80.0412, 0.9705],
      [2, 64.1234, 0.971],
    ]);
  });

  it('switches the accuracy metric and plots early-stop iterations', () => {
    expect(seriesPoints(accuracyVsRemaining(rounds, 'final'), { column: 2, name: '', role: 'accuracy' })[0]).toEqual([100, 0.955]);
    expect(accuracyVsRemaining(rounds, 'best').columns[2].key).toBe('best_test_accuracy');
    const es = earlyStopVsRemaining(rounds);
    expect(seriesPoints(es, es.series[0]).map((p) => p[1])).toEqual([500, 400, 300]);
  });

  it('merges evaluation curves with live minibatch losses on one iteration axis', () => {
    const d = lossCurves(
      [point(100), point(200)],
      [
        { iteration: 50, loss: 0.7 },
        { iteration: 100, loss: 0.5 },
      ],
    );
    expect(d.columns.map((c) => c.key)).toEqual(['iteration', 'train_loss', 'test_loss', 'val_loss', 'minibatch_loss']);
    expect(d.rows.map((r) => r[0])).toEqual([50, 100, 200]);
    expect(d.rows[0]).toEqual([50, null, null, null, 0.7]);
    expect(d.rows[1]).toEqual([100, 0.01, 0.02, 0.015, 0.5]);
    // Without live samples there is no minibatch column at all.
    expect(lossCurves([point(100)]).columns).toHaveLength(4);
    // Non-finite values are gaps, not points.
    const a = accuracyCurves([point(100, { testAccuracy: Number.NaN })]);
    expect(seriesPoints(a, a.series[0])).toEqual([]);
    expect(seriesPoints(a, a.series[1])).toEqual([[100, 0.91]]);
  });
});

describe('chart options', () => {
  it('draws % remaining on an inverted log axis with ticks at the plotted values', () => {
    const opt = chartOption(
      accuracyVsRemaining(rounds),
      { x: { name: 'x', scale: 'percentRemaining', format: 'percent' }, y: { name: 'y', scale: 'linear', format: 'accuracy' } },
      { dark: false },
    );
    const x = opt.xAxis as { type: string; inverse: boolean; max: number; min: number; axisLabel: { customValues: number[] } };
    expect(x.type).toBe('log');
    expect(x.inverse).toBe(true);
    expect(x.max).toBeGreaterThan(100);
    expect(x.min).toBeLessThan(64.1234);
    expect(x.axisLabel.customValues).toEqual([100, 80.0412, 64.1234]);
    const series = opt.series as { data: [number, number][]; color: string }[];
    expect(series[0].data).toHaveLength(3);
    expect(series[0].color).toBe('#1f6feb');
    expect(
      (
        chartOption(
          accuracyVsRemaining(rounds),
          { x: { name: 'x', scale: 'percentRemaining', format: 'percent' }, y: { name: 'y', scale: 'linear', format: 'accuracy' } },
          { dark: true },
        ).series as { color: string }[]
      )[0].color,
    ).toBe('#6ea8fe');
  });

  it('thins tick labels on long schedules but keeps both ends', () => {
    const pcts = Array.from({ length: 20 }, (_, k) => 100 * 0.8 ** k);
    const ticks = percentTicks(pcts);
    expect(ticks[0]).toBe(100);
    expect(ticks[ticks.length - 1]).toBe(pcts[19]);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.length).toBeGreaterThanOrEqual(5);
  });
});
