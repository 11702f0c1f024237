// ECharts options for an experiment's charts (BandChartData from experiment-chart.ts): per variant a line
// through the means with its own colour and marker, a shaded band drawn as one polygon per gap-free stretch
// (a custom series: exact on the log x axis, never bridging a point without a band), a star above points
// where the variant is significantly above all others, and a dashed line for the unpruned network.
// Every series of a variant carries the variant's name, so clicking its legend entry hides all of them.
// Pure: the same data, theme and settings give the same option.
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn, EChartsOption, SeriesOption } from 'echarts';
import { INK, formatValue, percentAxisRange, xAxisFromValues, type AxisSpec, type ChartTheme } from './chart-options';
import { UNPRUNED_LABEL, bandOf, bandSegments, type BandChartData, type BandKind, type BandPoint } from './experiment-chart';
import { formatPercent } from './format';

/**
 * Variant colours: Okabe–Ito first (distinguishable with the common colour-vision deficiencies), then
 * Paul Tol's muted tones for larger grids. The dark set keeps the hues, lightened for a dark card.
 */
export const VARIANT_COLORS: Record<'light' | 'dark', string[]> = {
  light: ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255', '#999933', '#332288', '#44AA99', '#6B7280', '#AA4499'],
  dark: ['#5AB0F0', '#F0894A', '#2FC79A', '#E39BCB', '#F2B53A', '#9BD6F5', '#D66B9C', '#C4C46A', '#9D92E6', '#66CDBB', '#A3A9B3', '#CF7FC4'],
};

/**
 * Markers per variant, so colour is never the only cue. All filled (hollow markers would take the page's
 * colour inside, wrong on a dark card); custom shapes are drawn in a 12×12 box, which the table swatches
 * (SymbolSwatch.vue) reuse as SVG paths.
 */
export const VARIANT_SYMBOLS = [
  'circle',
  'rect',
  'triangle',
  'diamond',
  'path://M1 1.5h10L6 11z', // triangle pointing down
  'path://M6 0.5l4.8 2.75v5.5L6 11.5 1.2 8.75v-5.5z', // hexagon
  'path://M4.25 0.5h3.5v3.75h3.75v3.5h-3.75v3.75h-3.5v-3.75H0.5v-3.5h3.75z', // plus
  'pin',
  'path://M2.2 0.5L6 4.3 9.8 0.5l1.7 1.7L7.7 6l3.8 3.8-1.7 1.7L6 7.7 2.2 11.5 0.5 9.8 4.3 6 0.5 2.2z', // cross
  'path://M6 0.5l5.5 4-2.1 6.5H2.6L0.5 4.5z', // pentagon
  'arrow',
  'path://M0.5 0.5L6 6 0.5 11.5zM11.5 0.5L6 6l5.5 5.5z', // bow tie
];

/** A five-pointed star (the significance mark). */
export const STAR_SYMBOL = 'path://M12 1.5l3.1 6.9 7.4.7-5.6 5 1.7 7.4L12 17.6l-6.6 3.9 1.7-7.4-5.6-5 7.4-.7z';
const DASH_ICON = 'path://M0 5h6v2H0zM9 5h6v2H9zM18 5h6v2h-6z';

/** Above this many variants the legend moves to the right edge, one entry per line. */
export const LEGEND_TOP_MAX = 5;

/**
 * Opacity of the band fill: lighter as variants are added, so overlapping bands stay readable (with six
 * variants, most of the plot is under some band).
 */
export function bandOpacity(variants: number, dark: boolean): number {
  const a = variants <= 2 ? 0.16 : variants <= 4 ? 0.12 : 0.08;
  return dark ? Math.round(a * 1.4 * 1000) / 1000 : a;
}

export function variantColor(index: number, dark: boolean): string {
  const p = VARIANT_COLORS[dark ? 'dark' : 'light'];
  return p[index % p.length];
}

export function variantSymbol(index: number): string {
  return VARIANT_SYMBOLS[index % VARIANT_SYMBOLS.length];
}

/** The plot area (CSS px from the chart's edges) for a number of variants. */
export function bandGrid(variants: number): { left: number; right: number; top: number; bottom: number } {
  return variants > LEGEND_TOP_MAX ? { left: 72, right: 210, top: 24, bottom: 48 } : { left: 72, right: 24, top: 44, bottom: 48 };
}

export interface BandChartSettings {
  band: BandKind;
  /** Legend state: variant label → shown (absent = shown). */
  selected?: Record<string, boolean>;
  /** Significance level, for the tooltip's words. */
  alpha?: number;
}

function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/**
 * renderItem of a variant's band: on the first data item, all of the variant's shaded stretches (a polygon
 * through the upper bounds left to right and back through the lower bounds; a lone point gets a short bar).
 * The other items draw nothing; they are there so the y axis spans the band.
 */
export function bandRenderer(segments: [number, number, number][][], fill: string) {
  return (params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    if (params.dataIndex !== 0) return null;
    const children = segments.map((seg) => {
      if (seg.length === 1) {
        const [x, lo, hi] = seg[0];
        const a = api.coord([x, hi]);
        const b = api.coord([x, lo]);
        return {
          type: 'rect' as const,
          shape: { x: a[0] - 3, y: Math.min(a[1], b[1]), width: 6, height: Math.max(1, Math.abs(b[1] - a[1])) },
          style: { fill },
        };
      }
      const upper = seg.map(([x, , hi]) => api.coord([x, hi]));
      const lower = seg.map(([x, lo]) => api.coord([x, lo])).reverse();
      return { type: 'polygon' as const, shape: { points: [...upper, ...lower] }, style: { fill } };
    });
    return { type: 'group', children };
  };
}

function tooltipFor(p: BandPoint, label: string, y: AxisSpec, band: BandKind, alpha: number | undefined): string {
  const f = (v: number | null) => (v === null ? '–' : formatValue(v, y.format));
  const lines = [
    `<b>${escapeHtml(label)}</b>`,
    `Round ${p.round} · ${formatPercent(p.percentRemaining)} of weights remaining`,
    `Mean over ${p.n} seed${p.n === 1 ? '' : 's'}: <b>${f(p.mean)}</b>`,
    `Min–max: ${f(p.min)} – ${f(p.max)}`,
  ];
  if (band === 'quantile' || bandOf(p, 'quantile')) lines.push(`5–95%: ${bandOf(p, 'quantile') ? `${f(p.q05)} – ${f(p.q95)}` : 'needs n ≥ 10'}`);
  if (p.star) lines.push(`★ significantly above every other variant (one-sided Welch t-tests, p < ${alpha ?? 0.05})`);
  return lines.join('<br/>');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The full option for an experiment chart. */
export function bandChartOption(
  data: BandChartData,
  axes: { x: AxisSpec; y: AxisSpec },
  theme: ChartTheme,
  settings: BandChartSettings,
): EChartsOption {
  const mode = theme.dark ? 'dark' : 'light';
  const ink = INK[mode];
  const xs = data.points.flatMap((ps) => ps.map((p) => p.percentRemaining));
  const range = percentAxisRange(xs);
  const grid = bandGrid(data.variants.length);
  const series: SeriesOption[] = [];
  /** Points behind each series index, for the tooltip. */
  const pointsOf: (BandPoint[] | null)[] = [];
  const labelOf: string[] = [];

  data.variants.forEach((v, i) => {
    const color = variantColor(v.index, theme.dark);
    const pts = data.points[i];
    // 1. the mean line (first, so the legend takes its colour and marker)
    series.push({
      type: 'line',
      name: v.label,
      data: pts.map((p) => [p.percentRemaining, p.mean]),
      color,
      symbol: variantSymbol(v.index),
      symbolSize: 8,
      showSymbol: true,
      lineStyle: { width: 2, color },
      itemStyle: { color, borderColor: color },
      emphasis: { focus: 'series' },
      z: 3,
    });
    pointsOf.push(pts);
    labelOf.push(v.label);
    // 2. the band
    const segments = bandSegments(pts, settings.band);
    if (segments.length) {
      series.push({
        type: 'custom',
        name: v.label,
        data: segments.flat(),
        encode: { x: 0, y: [1, 2] },
        renderItem: bandRenderer(segments, withAlpha(color, bandOpacity(data.variants.length, theme.dark))),
        silent: true,
        clip: true,
        tooltip: { show: false },
        z: 1,
      });
      pointsOf.push(null);
      labelOf.push(v.label);
    }
    // 3. stars above significant points
    const starred = pts.filter((p) => p.star);
    if (starred.length) {
      series.push({
        type: 'scatter',
        name: v.label,
        data: starred.map((p) => [p.percentRemaining, p.mean]),
        symbol: STAR_SYMBOL,
        symbolSize: 14,
        symbolOffset: [0, -15],
        itemStyle: { color, borderColor: theme.dark ? '#18181c' : '#ffffff', borderWidth: 0.6 },
        z: 4,
      });
      pointsOf.push(starred);
      labelOf.push(v.label);
    }
  });

  if (data.unpruned) {
    series.push({
      type: 'line',
      name: UNPRUNED_LABEL,
      data: [
        [range.max, data.unpruned.value],
        [range.min, data.unpruned.value],
      ],
      color: ink.muted,
      symbol: 'none',
      lineStyle: { type: 'dashed', width: 1.5, color: ink.muted },
      silent: true,
      tooltip: { show: false },
      z: 2,
    });
    pointsOf.push(null);
    labelOf.push(UNPRUNED_LABEL);
  }

  const top = data.variants.length <= LEGEND_TOP_MAX;
  const legendData = [
    ...data.variants.map((v) => ({ name: v.label, icon: variantSymbol(v.index) })),
    ...(data.unpruned ? [{ name: UNPRUNED_LABEL, icon: DASH_ICON }] : []),
  ];

  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: 'inherit', color: ink.text },
    grid,
    legend: {
      data: legendData,
      selected: settings.selected ?? {},
      textStyle: { color: ink.text, ...(top ? {} : { width: 170, overflow: 'truncate' as const }) },
      inactiveColor: theme.dark ? 'rgba(255,255,255,0.25)' : '#c2c6cc',
      itemWidth: 14,
      itemHeight: 10,
      ...(top ? { top: 4, left: 'center' } : { orient: 'vertical' as const, right: 8, top: 'middle', type: 'scroll' as const }),
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: theme.dark ? '#26262a' : '#ffffff',
      borderColor: ink.line,
      textStyle: { color: ink.text, fontSize: 12 },
      formatter: (params: unknown) => {
        const p = params as { seriesIndex: number; dataIndex: number };
        const pt = pointsOf[p.seriesIndex]?.[p.dataIndex];
        return pt ? tooltipFor(pt, labelOf[p.seriesIndex], axes.y, settings.band, settings.alpha) : '';
      },
    },
    xAxis: xAxisFromValues(xs, axes.x, ink),
    yAxis: {
      type: 'value',
      scale: true,
      boundaryGap: ['8%', '12%'],
      name: axes.y.name,
      nameLocation: 'middle',
      nameGap: 58,
      nameTextStyle: { color: ink.muted },
      axisLabel: { color: ink.text, formatter: (v: number) => formatValue(v, axes.y.format) },
      splitLine: { lineStyle: { color: ink.line } },
    },
    series,
  };
}
