// ECharts options built from ChartData (chart-data.ts). Pure: the same data and theme give the same
// option, so charts are easy to test and the CSV export stays exactly what is plotted.
import type { EChartsOption } from 'echarts';
import type { ChartData, SeriesRole } from './chart-data';
import { seriesPoints } from './chart-data';
import { formatAccuracy, formatPercent } from './format';

export interface AxisSpec {
  name: string;
  /** `percentRemaining`: log scale, 100 % on the left (inverse), ticks at the plotted values. */
  scale: 'percentRemaining' | 'linear';
  format: 'percent' | 'accuracy' | 'integer' | 'number';
}

export interface ChartTheme {
  dark: boolean;
}

/** Series colours per role. Chosen for contrast on the light (#fff) and dark (#18181c) card backgrounds. */
export const SERIES_COLORS: Record<'light' | 'dark', Record<SeriesRole, string>> = {
  light: {
    accuracy: '#1f6feb',
    earlyStop: '#c2410c',
    trainLoss: '#1f6feb',
    testLoss: '#c2410c',
    valLoss: '#15803d',
    batchLoss: '#9aa4b2',
    testAcc: '#1f6feb',
    valAcc: '#15803d',
  },
  dark: {
    accuracy: '#6ea8fe',
    earlyStop: '#fb923c',
    trainLoss: '#6ea8fe',
    testLoss: '#fb923c',
    valLoss: '#4ade80',
    batchLoss: '#6b7280',
    testAcc: '#6ea8fe',
    valAcc: '#4ade80',
  },
};

/** Background used for PNG export (matches the card the chart sits on). */
export function exportBackground(dark: boolean): string {
  return dark ? '#18181c' : '#ffffff';
}

export const INK = {
  light: { text: '#333639', muted: '#767c82', line: '#e0e0e6' },
  dark: { text: 'rgba(255,255,255,0.82)', muted: 'rgba(255,255,255,0.52)', line: 'rgba(255,255,255,0.12)' },
};

export function formatValue(v: number, format: AxisSpec['format']): string {
  switch (format) {
    case 'percent':
      return formatPercent(v);
    case 'accuracy':
      return formatAccuracy(v);
    case 'integer':
      return Math.round(v).toLocaleString('en-US');
    default:
      return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, '');
  }
}

/**
 * Tick positions for the % remaining axis: the plotted x values, thinned so neighbouring labels stay
 * apart on the log scale (at most ~8 labels), always keeping the first (100 %) and the last value.
 */
export function percentTicks(values: readonly number[], maxTicks = 8): number[] {
  const v = [...new Set(values.filter((x) => x > 0))].sort((a, b) => b - a);
  if (v.length <= 2) return v;
  const span = Math.log10(v[0] / v[v.length - 1]);
  const minGap = span / Math.max(1, maxTicks - 1);
  const out = [v[0]];
  for (let i = 1; i < v.length - 1; i++) {
    if (Math.log10(out[out.length - 1] / v[i]) >= minGap * 0.95 && Math.log10(v[i] / v[v.length - 1]) >= minGap * 0.5) out.push(v[i]);
  }
  out.push(v[v.length - 1]);
  return out;
}

export type Ink = (typeof INK)['light'];

function xAxisFor(data: ChartData, spec: AxisSpec, ink: Ink): EChartsOption['xAxis'] {
  const xs = data.rows.map((r) => r[data.x]).filter((x): x is number => x !== null);
  return xAxisFromValues(xs, spec, ink);
}

/** The % remaining axis's limits: a little room either side on the log scale so end points are not cut in half. */
export function percentAxisRange(xs: readonly number[]): { min: number; max: number } {
  const pos = xs.filter((x) => x > 0);
  const hi = pos.length ? Math.max(...pos) : 100;
  const lo = pos.length ? Math.min(...pos) : 100;
  return { max: hi * 1.08, min: lo === hi ? lo / 1.5 : lo / 1.08 };
}

/** The x axis for the plotted x values: log, inverse, 100 % on the left for % remaining; linear from 0 otherwise. */
export function xAxisFromValues(xs: readonly number[], spec: AxisSpec, ink: Ink): EChartsOption['xAxis'] {
  const common = {
    name: spec.name,
    nameLocation: 'middle' as const,
    nameGap: 30,
    nameTextStyle: { color: ink.muted },
    axisLine: { lineStyle: { color: ink.muted } },
    axisLabel: { color: ink.text, formatter: (v: number) => formatValue(v, spec.format) },
    splitLine: { show: false },
  };
  if (spec.scale === 'percentRemaining') {
    const ticks = percentTicks(xs);
    const { min, max } = percentAxisRange(xs);
    return {
      ...common,
      type: 'log',
      logBase: 10,
      inverse: true,
      max,
      min,
      axisLabel: { ...common.axisLabel, customValues: ticks, hideOverlap: true },
      axisTick: { customValues: ticks },
    };
  }
  // Training curves start at iteration 0 and end at the last point plotted.
  return { ...common, type: 'value', min: 0, max: 'dataMax' };
}

/** The full option for one chart. */
export function chartOption(data: ChartData, axes: { x: AxisSpec; y: AxisSpec }, theme: ChartTheme): EChartsOption {
  const mode = theme.dark ? 'dark' : 'light';
  const ink = INK[mode];
  const colors = SERIES_COLORS[mode];
  const many = data.series.length > 1;
  const isResult = axes.x.scale === 'percentRemaining';
  const roundCol = data.columns.findIndex((c) => c.key === 'round');
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: 'inherit', color: ink.text },
    grid: { left: 72, right: 24, top: many ? 40 : 20, bottom: 48 },
    legend: many ? { top: 4, left: 'center', textStyle: { color: ink.text }, itemWidth: 18, itemHeight: 8, icon: 'roundRect' } : { show: false },
    tooltip: {
      trigger: isResult ? 'item' : 'axis',
      confine: true,
      backgroundColor: theme.dark ? '#26262a' : '#ffffff',
      borderColor: ink.line,
      textStyle: { color: ink.text, fontSize: 12 },
      valueFormatter: (v) => (typeof v === 'number' ? formatValue(v, axes.y.format) : String(v ?? '')),
      ...(isResult
        ? {
            formatter: (p: unknown) => {
              const item = p as { dataIndex: number; seriesName: string; value: [number, number] };
              const row = data.rows.filter((r) => r[data.x] !== null)[item.dataIndex];
              const round = roundCol >= 0 && row ? `Round ${row[roundCol]}<br/>` : '';
              return `${round}${formatPercent(item.value[0])} of weights remaining<br/>${item.seriesName}: <b>${formatValue(item.value[1], axes.y.format)}</b>`;
            },
          }
        : {}),
    },
    xAxis: xAxisFor(data, axes.x, ink),
    yAxis: {
      type: 'value',
      scale: true,
      // keep the extreme points off the plot's edges
      boundaryGap: ['8%', '8%'],
      name: axes.y.name,
      nameLocation: 'middle',
      nameGap: 58,
      nameTextStyle: { color: ink.muted },
      axisLabel: { color: ink.text, formatter: (v: number) => formatValue(v, axes.y.format) },
      splitLine: { lineStyle: { color: ink.line } },
    },
    series: data.series.map((s) => {
      const color = colors[s.role];
      const live = s.role === 'batchLoss';
      return {
        type: 'line' as const,
        name: s.name,
        data: seriesPoints(data, s),
        color,
        showSymbol: !live,
        symbol: 'circle',
        symbolSize: isResult ? 9 : 6,
        lineStyle: { width: live ? 1 : 2, color, opacity: live ? 0.8 : 1 },
        itemStyle: { color },
        z: live ? 1 : 2,
        connectNulls: true,
      };
    }),
  };
}
