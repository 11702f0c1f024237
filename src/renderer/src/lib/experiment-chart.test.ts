import { describe, expect, it } from 'vitest';
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams } from 'echarts';
import type { ExperimentDetail, StatPoint, VariantStats } from '../../../common/contract';
import { buildCsv, parseCsv } from '../composables/csv';
import {
  QUANTILE_MIN_N,
  UNPRUNED_LABEL,
  bandChartData,
  bandCsvTable,
  bandOf,
  bandPointCount,
  bandSegments,
  quantileAvailable,
  roundsOf,
  variantTableAt,
} from './experiment-chart';
import { LEGEND_TOP_MAX, STAR_SYMBOL, VARIANT_COLORS, bandChartOption, bandOpacity, bandRenderer } from './experiment-chart-options';

/** Statistics of a sample, computed here the way main's stats.summarize does (q05/q95 by linear interpolation). */
function stat(round: number, pct: number, values: number[]): StatPoint {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const q = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return s[lo] + (h - lo) * ((s[Math.min(lo + 1, n - 1)] ?? s[lo]) - s[lo]);
  };
  const std = n > 1 ? Math.sqrt(s.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { round, percentRemaining: pct, n, mean, min: s[0], max: s[n - 1], std, q05: q(0.05), q95: q(0.95) };
}

const PCT = [100, 80.0412, 64.1234];

function variant(key: string, criterion: string, acc: number[][], es: number[][]): VariantStats {
  return {
    key,
    label: criterion,
    variant: { criterion },
    runIds: [`${key}0`, `${key}1`],
    accuracy: acc.map((v, r) => stat(r, PCT[r], v)),
    finalAccuracy: acc.map((v, r) =>
      stat(
        r,
        PCT[r],
        v.map((x) => x - 0.01),
      ),
    ),
    earlyStop: es.map((v, r) => stat(r, PCT[r], v)),
  };
}

const A = '{"criterion":"large_final"}';
const B = '{"criterion":"random"}';

function detail(): Pick<ExperimentDetail, 'variants' | 'stars' | 'unpruned' | 'varying'> {
  return {
    varying: ['criterion'],
    variants: [
      variant(
        A,
        'large_final',
        [
          [0.97, 0.972],
          [0.975, 0.977],
          [0.976, 0.978],
        ],
        [
          [400, 500],
          [300, 400],
          [300, 300],
        ],
      ),
      variant(
        B,
        'random',
        [
          [0.97, 0.972],
          [0.96, 0.962],
          [0.95, 0.951],
        ],
        [
          [400, 500],
          [500, 600],
          [600, 700],
        ],
      ),
    ],
    stars: [
      { metric: 'accuracy', round: 1, variant: A, pValues: { [B]: 0.004 } },
      { metric: 'accuracy', round: 2, variant: A, pValues: { [B]: 0.0007 } },
      { metric: 'finalAccuracy', round: 2, variant: A, pValues: { [B]: 0.001 } },
    ],
    unpruned: { accuracy: 0.971, finalAccuracy: 0.961, n: 2 },
  };
}

const names: Record<string, string> = { large_final: 'Large final', random: 'Random' };
const labelOf = (v: VariantStats) => names[v.variant.criterion] ?? v.label;

describe('experiment chart data', () => {
  it('has one point per variant and round, stars for the chosen metric only, and the unpruned mean', () => {
    const d = bandChartData(detail(), 'accuracy', labelOf);
    expect(d.variants.map((v) => v.label)).toEqual(['Large final', 'Random']);
    expect(d.points.map((ps) => ps.map((p) => p.round))).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(d.points[0][1]).toMatchObject({
      percentRemaining: 80.0412,
      n: 2,
      mean: 0.976,
      min: 0.975,
      max: 0.977,
      star: true,
      pValues: { [B]: 0.004 },
    });
    expect(d.points[0].map((p) => p.star)).toEqual([false, true, true]);
    expect(d.points[1].every((p) => !p.star)).toBe(true);
    expect(d.unpruned).toEqual({ value: 0.971, n: 2 });
    expect(bandPointCount(d)).toBe(6);

    const fin = bandChartData(detail(), 'finalAccuracy', labelOf);
    expect(fin.points[0].map((p) => p.star)).toEqual([false, false, true]);
    expect(fin.unpruned?.value).toBe(0.961);
    const es = bandChartData(detail(), 'earlyStop', labelOf);
    expect(es.unpruned).toBeNull();
    expect(es.points[1].map((p) => p.mean)).toEqual([450, 550, 650]);
    expect(roundsOf(d)).toEqual([
      { round: 0, percentRemaining: 100 },
      { round: 1, percentRemaining: 80.0412 },
      { round: 2, percentRemaining: 64.1234 },
    ]);
  });

  it('makes legend names unique and drops points whose mean is missing (NaN arrives as null over JSON)', () => {
    const det = detail();
    det.variants[1].accuracy[2] = { ...det.variants[1].accuracy[2], mean: null as unknown as number, q05: Number.NaN };
    const d = bandChartData(det, 'accuracy', () => 'Same name');
    expect(d.variants.map((v) => v.label)).toEqual(['Same name', 'Same name (2)']);
    expect(d.points[1].map((p) => p.round)).toEqual([0, 1]);
  });

  it('draws min–max bands from 2 values and quantile bands only from 10, split where a point has none', () => {
    const few = bandChartData(detail(), 'accuracy').points[0];
    expect(bandOf(few[0], 'minmax')).toEqual([0.97, 0.972]);
    expect(bandOf(few[0], 'quantile')).toBeNull();
    expect(bandOf({ ...few[0], n: 1 }, 'minmax')).toBeNull();
    expect(quantileAvailable(bandChartData(detail(), 'accuracy'))).toBe(false);

    const ten = Array.from({ length: QUANTILE_MIN_N }, (_, i) => 0.9 + i / 100); // 0.90 … 0.99
    const nine = ten.slice(0, 9);
    const det = detail();
    det.variants[0].accuracy = [stat(0, 100, ten), stat(1, 80.0412, nine), stat(2, 64.1234, ten), stat(3, 51.3, ten)];
    const d = bandChartData(det, 'accuracy');
    expect(quantileAvailable(d)).toBe(true);
    const q = bandOf(d.points[0][0], 'quantile')!;
    expect(q[0]).toBeCloseTo(0.9045, 10);
    expect(q[1]).toBeCloseTo(0.9855, 10);
    // Round 1 has n = 9: the quantile band stops there and starts again after it.
    const segs = bandSegments(d.points[0], 'quantile');
    expect(segs.map((s) => s.map(([x]) => x))).toEqual([[100], [64.1234, 51.3]]);
    expect(bandSegments(d.points[0], 'minmax')).toHaveLength(1);
  });

  it('exports exactly the plotted table: variant, axes, round, % remaining, n, mean, min, max, q05, q95, star', () => {
    const d = bandChartData(detail(), 'accuracy', labelOf);
    const t = bandCsvTable(d);
    const rows = parseCsv(buildCsv(t.header, t.rows));
    expect(rows[0]).toEqual(['variant', 'criterion', 'round', 'percent_remaining', 'n', 'mean', 'min', 'max', 'q05', 'q95', 'star']);
    expect(rows).toHaveLength(1 + 6 + 1);
    const lf1 = rows.find((r) => r[0] === 'Large final' && r[2] === '1')!;
    expect(lf1[1]).toBe('large_final');
    expect(lf1.slice(3).map(Number)).toEqual([80.0412, 2, 0.976, 0.975, 0.977, d.points[0][1].q05!, d.points[0][1].q95!, 1]);
    // Full precision, the same numbers the chart draws.
    expect(Number(lf1[5])).toBe(d.points[0][1].mean);
    expect(rows.filter((r) => r[10] === '1').map((r) => `${r[0]}@${r[2]}`)).toEqual(['Large final@1', 'Large final@2']);
    // The reference line is the last row, without a round.
    expect(rows[rows.length - 1]).toEqual([UNPRUNED_LABEL, '', '', '', '2', '0.971', '', '', '', '', '0']);
  });

  it('ranks variants at a round, marks the star and shows its p-values', () => {
    const d = bandChartData(detail(), 'accuracy', labelOf);
    const t = variantTableAt(d, 2);
    expect(t.rows.map((r) => r.variant.label)).toEqual(['Large final', 'Random']);
    expect(t.starred?.label).toBe('Large final');
    expect(t.rows[0].star).toBe(true);
    expect(t.rows[1].pAgainstStar).toBe(0.0007);
    const t0 = variantTableAt(d, 0);
    expect(t0.starred).toBeNull();
    expect(t0.rows.every((r) => r.pAgainstStar === null)).toBe(true);
    // Early-stop iterations: lower is faster, so the fastest comes first.
    expect(variantTableAt(bandChartData(detail(), 'earlyStop', labelOf), 2).rows[0].variant.label).toBe('Large final');
    // A round a variant has not reached yet lists it last, without values.
    const det = detail();
    det.variants[0].accuracy = det.variants[0].accuracy.slice(0, 2);
    const partial = variantTableAt(bandChartData(det, 'accuracy', labelOf), 2);
    expect(partial.rows.map((r) => [r.variant.label, r.point === null])).toEqual([
      ['Random', false],
      ['Large final', true],
    ]);
  });
});

type AnySeries = { type: string; name: string; data: number[][]; symbol?: string; color?: string; lineStyle?: { type?: string }; encode?: unknown };

describe('experiment chart options', () => {
  const axes = {
    x: { name: '% remaining', scale: 'percentRemaining' as const, format: 'percent' as const },
    y: { name: 'Test accuracy', scale: 'linear' as const, format: 'accuracy' as const },
  };

  it('gives each variant a line, a band and stars under one legend name, plus a dashed unpruned line', () => {
    const d = bandChartData(detail(), 'accuracy', labelOf);
    const opt = bandChartOption(d, axes, { dark: false }, { band: 'minmax', selected: { Random: false } });
    const series = opt.series as AnySeries[];
    expect(series.map((s) => `${s.type}:${s.name}`)).toEqual([
      'line:Large final',
      'custom:Large final',
      'scatter:Large final',
      'line:Random',
      'custom:Random',
      `line:${UNPRUNED_LABEL}`,
    ]);
    expect(series[0].data).toEqual(d.points[0].map((p) => [p.percentRemaining, p.mean]));
    expect(series[0].color).toBe(VARIANT_COLORS.light[0]);
    expect(series[3].color).toBe(VARIANT_COLORS.light[1]);
    expect(series[0].symbol).not.toBe(series[3].symbol); // colour is not the only cue
    expect(series[1].data).toEqual([
      [100, 0.97, 0.972],
      [80.0412, 0.975, 0.977],
      [64.1234, 0.976, 0.978],
    ]);
    expect(series[1].encode).toEqual({ x: 0, y: [1, 2] });
    expect(series[2].symbol).toBe(STAR_SYMBOL);
    expect(series[2].data).toEqual([
      [80.0412, 0.976],
      [64.1234, 0.977],
    ]);
    // The unpruned line spans the whole (inverted, log) x axis at the unpruned mean.
    const x = opt.xAxis as { type: string; inverse: boolean; min: number; max: number };
    expect(x).toMatchObject({ type: 'log', inverse: true });
    expect(series[5].data).toEqual([
      [x.max, 0.971],
      [x.min, 0.971],
    ]);
    expect(series[5].lineStyle?.type).toBe('dashed');
    const legend = opt.legend as { data: { name: string }[]; selected: Record<string, boolean>; top?: number };
    expect(legend.data.map((l) => l.name)).toEqual(['Large final', 'Random', UNPRUNED_LABEL]);
    expect(legend.selected).toEqual({ Random: false });
    expect(legend.top).toBe(4);
    expect(VARIANT_COLORS.dark[0]).toBe((bandChartOption(d, axes, { dark: true }, { band: 'minmax' }).series as AnySeries[])[0].color);
  });

  it('leaves the band out where it cannot be drawn and moves a long legend to the side', () => {
    const d = bandChartData(detail(), 'accuracy', labelOf);
    const q = bandChartOption(d, axes, { dark: false }, { band: 'quantile' }).series as AnySeries[];
    expect(q.filter((s) => s.type === 'custom')).toHaveLength(0); // n = 2 < 10
    const det = detail();
    det.variants = Array.from({ length: LEGEND_TOP_MAX + 1 }, (_, i) => ({ ...det.variants[i % 2], key: `k${i}`, label: `v${i}` }));
    const many = bandChartOption(bandChartData(det, 'accuracy'), axes, { dark: false }, { band: 'minmax' });
    expect(many.legend).toMatchObject({ orient: 'vertical', right: 8 });
    // Bands get lighter as variants are added, so overlaps stay readable.
    expect(bandOpacity(2, false)).toBeGreaterThan(bandOpacity(6, false));
    expect(bandOpacity(2, true)).toBeGreaterThan(bandOpacity(2, false));
  });

  it('draws a band as one polygon along the upper bounds and back along the lower ones', () => {
    const render = bandRenderer(
      [
        [
          [100, 0.9, 0.95],
          [50, 0.8, 0.9],
        ],
        [[10, 0.5, 0.7]],
      ],
      'rgba(0,0,0,0.2)',
    );
    // Like a real grid: y grows downwards on screen.
    const api = { coord: ([x, y]: number[]) => [x, Math.round(100 - y * 100)] } as unknown as CustomSeriesRenderItemAPI;
    const out = render({ dataIndex: 0 } as CustomSeriesRenderItemParams, api) as {
      children: { type: string; shape: { points?: number[][]; x?: number; y?: number; width?: number; height?: number } }[];
    };
    expect(out.children[0].type).toBe('polygon');
    expect(out.children[0].shape.points).toEqual([
      [100, 5],
      [50, 10],
      [50, 20],
      [100, 10],
    ]);
    // A lone point gets a short bar from its upper to its lower bound.
    expect(out.children[1]).toMatchObject({ type: 'rect', shape: { x: 7, y: 30, width: 6, height: 20 } });
    expect(render({ dataIndex: 1 } as CustomSeriesRenderItemParams, api)).toBeNull();
  });

  it('explains a point in its tooltip, with the star', () => {
    const d = bandChartData(detail(), 'accuracy', labelOf);
    const opt = bandChartOption(d, axes, { dark: false }, { band: 'minmax', alpha: 0.05 });
    const fmt = (opt.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = fmt({ seriesIndex: 0, dataIndex: 1 });
    expect(html).toContain('Large final');
    expect(html).toContain('Round 1');
    expect(html).toContain('97.60%');
    expect(html).toContain('★');
    expect(fmt({ seriesIndex: 3, dataIndex: 0 })).not.toContain('★');
  });
});
