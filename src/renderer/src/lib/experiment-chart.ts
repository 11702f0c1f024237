// The data behind an experiment's charts (SCIENCE.md §2): per variant and round, the mean over seeds with
// a band (min–max, or the 5–95 % quantiles where n ≥ 10), a star where the variant is significantly above
// all others, and the unpruned network's mean as a reference line. The chart draws this and "Save CSV"
// writes the same table, so the file holds exactly what is plotted. Pure functions, no Vue.
import type { ExperimentDetail, StatPoint, VariantStats } from '../../../common/contract';
import type { CsvCell } from '../composables/csv';

export type ExperimentMetric = 'accuracy' | 'finalAccuracy' | 'earlyStop';
export type BandKind = 'minmax' | 'quantile';

/** Quantile bands need this many values per point (Z19/K22 show 5–95 % only over many runs). */
export const QUANTILE_MIN_N = 10;

export const EXPERIMENT_METRICS: { id: ExperimentMetric; label: string; short: string; column: string }[] = [
  { id: 'accuracy', label: 'Test accuracy at the early-stop iteration', short: 'At early stop (Z19)', column: 'test_accuracy_at_early_stop' },
  { id: 'finalAccuracy', label: 'Test accuracy at the last iteration', short: 'At the last iteration', column: 'final_test_accuracy' },
  { id: 'earlyStop', label: 'Early-stop iteration', short: 'Early-stop iteration', column: 'early_stop_iteration' },
];

export interface VariantInfo {
  key: string;
  /** Legend name; unique within the chart. */
  label: string;
  /** Position in the experiment's variant order: decides colour and marker. */
  index: number;
  /** The values of the varying axes (ids). */
  axes: Record<string, string>;
}

/** One plotted point of one variant: statistics over seeds at one round. Missing statistics are null. */
export interface BandPoint {
  variant: string;
  round: number;
  percentRemaining: number;
  n: number;
  mean: number;
  min: number | null;
  max: number | null;
  q05: number | null;
  q95: number | null;
  star: boolean;
  /** For a starred point: one-sided Welch p-value of this variant above each other variant (by key). */
  pValues: Record<string, number> | null;
}

export interface BandChartData {
  metric: ExperimentMetric;
  /** Varying axes (column names of the CSV after `variant`). */
  axes: string[];
  variants: VariantInfo[];
  /** points[i] = the points of variants[i], by round. */
  points: BandPoint[][];
  /** The unpruned network's mean (the dashed line), when this metric has one. */
  unpruned: { value: number; n: number } | null;
}

type DetailPart = Pick<ExperimentDetail, 'variants' | 'stars' | 'unpruned' | 'varying'>;

/** A finite number, else null (NaN statistics arrive as null over JSON). */
function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Legend names must be unique: a repeated label gets " (2)", " (3)", … */
function uniqueLabels(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const k = (seen.get(l) ?? 0) + 1;
    seen.set(l, k);
    return k === 1 ? l : `${l} (${k})`;
  });
}

function statsOf(v: VariantStats, metric: ExperimentMetric): StatPoint[] {
  return metric === 'accuracy' ? v.accuracy : metric === 'finalAccuracy' ? v.finalAccuracy : v.earlyStop;
}

/**
 * The chart table of one metric. `labelOf` names a variant for people (registry labels); it defaults to
 * the label main sent.
 */
export function bandChartData(detail: DetailPart, metric: ExperimentMetric, labelOf: (v: VariantStats) => string = (v) => v.label): BandChartData {
  const labels = uniqueLabels(detail.variants.map(labelOf));
  const variants: VariantInfo[] = detail.variants.map((v, index) => ({ key: v.key, label: labels[index], index, axes: { ...v.variant } }));
  const stars = new Map(detail.stars.filter((s) => s.metric === metric).map((s) => [`${s.variant}|${s.round}`, s.pValues]));
  const points = detail.variants.map((v) =>
    statsOf(v, metric)
      .filter((p) => num(p.mean) !== null && num(p.percentRemaining) !== null)
      .map((p): BandPoint => {
        const pv = stars.get(`${v.key}|${p.round}`);
        return {
          variant: v.key,
          round: p.round,
          percentRemaining: p.percentRemaining,
          n: p.n,
          mean: p.mean,
          min: num(p.min),
          max: num(p.max),
          q05: num(p.q05),
          q95: num(p.q95),
          star: pv !== undefined,
          pValues: pv ?? null,
        };
      })
      .sort((a, b) => a.round - b.round),
  );
  const u = detail.unpruned;
  const value = !u ? null : metric === 'accuracy' ? num(u.accuracy) : metric === 'finalAccuracy' ? num(u.finalAccuracy) : null;
  return { metric, axes: [...detail.varying], variants, points, unpruned: u && value !== null ? { value, n: u.n } : null };
}

/** The band of one point: [low, high], or null where it is not shown (min–max needs n ≥ 2, quantiles n ≥ 10). */
export function bandOf(p: BandPoint, kind: BandKind): [number, number] | null {
  if (kind === 'quantile') return p.n >= QUANTILE_MIN_N && p.q05 !== null && p.q95 !== null ? [p.q05, p.q95] : null;
  return p.n >= 2 && p.min !== null && p.max !== null ? [p.min, p.max] : null;
}

/** Whether any point has enough values for a quantile band. */
export function quantileAvailable(data: BandChartData): boolean {
  return data.points.some((ps) => ps.some((p) => bandOf(p, 'quantile') !== null));
}

/** Whether any point has a band at all (for the caption). */
export function hasBands(data: BandChartData, kind: BandKind): boolean {
  return data.points.some((ps) => ps.some((p) => bandOf(p, kind) !== null));
}

/** One shaded region: consecutive points (by round) that all have a band, as [x, low, high] triples. */
export type BandSegment = [number, number, number][];

/** A variant's band, split where a point has none (so the shading never bridges a gap). */
export function bandSegments(points: readonly BandPoint[], kind: BandKind): BandSegment[] {
  const out: BandSegment[] = [];
  let cur: BandSegment = [];
  for (const p of points) {
    const b = bandOf(p, kind);
    if (b) cur.push([p.percentRemaining, b[0], b[1]]);
    else if (cur.length) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Number of plotted points (means) in the chart. */
export function bandPointCount(data: BandChartData): number {
  return data.points.reduce((s, ps) => s + ps.length, 0);
}

/** Every round that has a point, with its % of weights remaining (first variant's, if nets differ). */
export function roundsOf(data: BandChartData): { round: number; percentRemaining: number }[] {
  const m = new Map<number, number>();
  for (const ps of data.points) for (const p of ps) if (!m.has(p.round)) m.set(p.round, p.percentRemaining);
  return [...m.entries()].sort(([a], [b]) => a - b).map(([round, percentRemaining]) => ({ round, percentRemaining }));
}

export const UNPRUNED_LABEL = 'Unpruned network';

/**
 * "Save CSV": one row per plotted point (variant, the varying axes' ids, round, % remaining, n, mean,
 * min, max, q05, q95, star as 1/0), then the reference line's row (variant "Unpruned network", no round).
 */
export function bandCsvTable(data: BandChartData): { header: string[]; rows: CsvCell[][] } {
  const header = ['variant', ...data.axes, 'round', 'percent_remaining', 'n', 'mean', 'min', 'max', 'q05', 'q95', 'star'];
  const rows: CsvCell[][] = [];
  data.variants.forEach((v, i) => {
    for (const p of data.points[i]) {
      rows.push([
        v.label,
        ...data.axes.map((a) => v.axes[a] ?? ''),
        p.round,
        p.percentRemaining,
        p.n,
        p.mean,
        p.min,
        p.max,
        p.q05,
        p.q95,
        p.star ? 1 : 0,
      ]);
    }
  });
  if (data.unpruned)
    rows.push([UNPRUNED_LABEL, ...data.axes.map(() => ''), null, null, data.unpruned.n, data.unpruned.value, null, null, null, null, 0]);
  return { header, rows };
}

export interface VariantRow {
  variant: VariantInfo;
  point: BandPoint | null;
  /** Significantly above every other variant at this round (one-sided Welch, p < α). */
  star: boolean;
  /** When some variant has the star here: its p-value against this one. */
  pAgainstStar: number | null;
}

/**
 * The variant table at one round: every variant with its statistics, best mean first (variants without a
 * value at this round last), the starred variant and its p-values.
 */
export function variantTableAt(
  data: BandChartData,
  round: number,
): { rows: VariantRow[]; starred: VariantInfo | null; pValues: Record<string, number> | null } {
  const rows = data.variants.map((variant, i): VariantRow => {
    const point = data.points[i].find((p) => p.round === round) ?? null;
    return { variant, point, star: point?.star ?? false, pAgainstStar: null };
  });
  const starRow = rows.find((r) => r.star) ?? null;
  const pValues = starRow?.point?.pValues ?? null;
  if (pValues) for (const r of rows) if (r !== starRow) r.pAgainstStar = num(pValues[r.variant.key]);
  const higherIsBetter = data.metric !== 'earlyStop';
  rows.sort((a, b) => {
    if (!a.point || !b.point) return a.point ? -1 : b.point ? 1 : a.variant.index - b.variant.index;
    const d = higherIsBetter ? b.point.mean - a.point.mean : a.point.mean - b.point.mean;
    return d !== 0 ? d : a.variant.index - b.variant.index;
  });
  return { rows, starred: starRow?.variant ?? null, pValues };
}
