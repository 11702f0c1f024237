// The data behind every chart, as a small table: the chart plots these rows and "Save CSV" writes these
// same rows, so an exported CSV always holds exactly what is on screen. Pure functions, no Vue.
import type { EvalPoint, RoundSummary } from '../../../common/contract';
import type { CsvCell } from '../composables/csv';

export interface ChartColumn {
  /** CSV header and stable key, snake_case. */
  key: string;
  /** Human label (legend / axis). */
  label: string;
}

export interface ChartSeries {
  /** Index of the column holding this series' y values. */
  column: number;
  name: string;
  /** Role decides colour and drawing style (see chart-options.ts). */
  role: SeriesRole;
}

export type SeriesRole = 'accuracy' | 'earlyStop' | 'trainLoss' | 'testLoss' | 'valLoss' | 'batchLoss' | 'testAcc' | 'valAcc';

export interface ChartData {
  columns: ChartColumn[];
  /** One row per x value; null = this series has no value at this x. */
  rows: (number | null)[][];
  /** Index of the x column. */
  x: number;
  series: ChartSeries[];
}

export type AccuracyMetric = 'early_stop' | 'final' | 'best';

export const ACCURACY_METRICS: { id: AccuracyMetric; label: string; short: string; column: string }[] = [
  { id: 'early_stop', label: 'at the early-stop iteration', short: 'At early stop (Z19)', column: 'test_accuracy_at_early_stop' },
  { id: 'final', label: 'at the last iteration', short: 'At the last iteration', column: 'final_test_accuracy' },
  { id: 'best', label: 'best during the round', short: 'Best in the round', column: 'best_test_accuracy' },
];

function sortedRounds(rounds: readonly RoundSummary[]): RoundSummary[] {
  return [...rounds].sort((a, b) => a.round - b.round);
}

function accuracyOf(r: RoundSummary, metric: AccuracyMetric): number {
  if (metric === 'final') return r.finalTestAccuracy;
  if (metric === 'best') return r.bestTestAccuracy;
  return r.earlyStopTestAccuracy;
}

/** Test accuracy (at early stop by default) against % weights remaining: one point per completed round. */
export function accuracyVsRemaining(rounds: readonly RoundSummary[], metric: AccuracyMetric = 'early_stop'): ChartData {
  const m = ACCURACY_METRICS.find((x) => x.id === metric)!;
  return {
    columns: [
      { key: 'round', label: 'Round' },
      { key: 'percent_remaining', label: '% weights remaining' },
      { key: m.column, label: `Test accuracy ${m.label}` },
    ],
    rows: sortedRounds(rounds).map((r) => [r.round, r.percentRemaining, accuracyOf(r, metric)]),
    x: 1,
    series: [{ column: 2, name: `Test accuracy ${m.label}`, role: 'accuracy' }],
  };
}

/** Early-stop iteration (iteration of minimum validation loss) against % weights remaining. */
export function earlyStopVsRemaining(rounds: readonly RoundSummary[]): ChartData {
  return {
    columns: [
      { key: 'round', label: 'Round' },
      { key: 'percent_remaining', label: '% weights remaining' },
      { key: 'early_stop_iteration', label: 'Early-stop iteration' },
    ],
    rows: sortedRounds(rounds).map((r) => [r.round, r.percentRemaining, r.earlyStopIteration]),
    x: 1,
    series: [{ column: 2, name: 'Early-stop iteration', role: 'earlyStop' }],
  };
}

/** A (iteration, loss) sample of the minibatch loss, from live progress events. */
export interface LossSample {
  iteration: number;
  loss: number;
}

/**
 * Loss curves of one round: train loss (mean minibatch loss since the previous evaluation), test and
 * validation loss at each evaluation, and, while the round trains, the live minibatch loss from progress
 * events. Rows are the union of iterations, sorted.
 */
export function lossCurves(points: readonly EvalPoint[], live: readonly LossSample[] = []): ChartData {
  const byIt = new Map<number, (number | null)[]>();
  const row = (it: number) => {
    let r = byIt.get(it);
    if (!r) {
      r = [it, null, null, null, null];
      byIt.set(it, r);
    }
    return r;
  };
  for (const p of points) {
    const r = row(p.iteration);
    r[1] = finiteOrNull(p.trainLoss);
    r[2] = finiteOrNull(p.testLoss);
    r[3] = finiteOrNull(p.valLoss);
  }
  for (const s of live) row(s.iteration)[4] = finiteOrNull(s.loss);
  const hasLive = live.length > 0;
  const columns: ChartColumn[] = [
    { key: 'iteration', label: 'Iteration' },
    { key: 'train_loss', label: 'Train loss' },
    { key: 'test_loss', label: 'Test loss' },
    { key: 'val_loss', label: 'Validation loss' },
  ];
  const series: ChartSeries[] = [
    { column: 1, name: 'Train loss', role: 'trainLoss' },
    { column: 2, name: 'Test loss', role: 'testLoss' },
    { column: 3, name: 'Validation loss', role: 'valLoss' },
  ];
  if (hasLive) {
    columns.push({ key: 'minibatch_loss', label: 'Minibatch loss (live)' });
    series.push({ column: 4, name: 'Minibatch loss (live)', role: 'batchLoss' });
  }
  const rows = [...byIt.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, r]) => (hasLive ? r : r.slice(0, 4)))
    // drop rows that would only hold the live column when it is not shown
    .filter((r) => r.slice(1).some((v) => v !== null));
  return { columns, rows, x: 0, series };
}

/** Test and validation accuracy at each evaluation of one round. */
export function accuracyCurves(points: readonly EvalPoint[]): ChartData {
  return {
    columns: [
      { key: 'iteration', label: 'Iteration' },
      { key: 'test_accuracy', label: 'Test accuracy' },
      { key: 'val_accuracy', label: 'Validation accuracy' },
    ],
    rows: [...points].sort((a, b) => a.iteration - b.iteration).map((p) => [p.iteration, finiteOrNull(p.testAccuracy), finiteOrNull(p.valAccuracy)]),
    x: 0,
    series: [
      { column: 1, name: 'Test accuracy', role: 'testAcc' },
      { column: 2, name: 'Validation accuracy', role: 'valAcc' },
    ],
  };
}

/** The (x, y) pairs one series plots: rows where both are present. */
export function seriesPoints(data: ChartData, s: ChartSeries): [number, number][] {
  const out: [number, number][] = [];
  for (const r of data.rows) {
    const x = r[data.x];
    const y = r[s.column];
    if (x !== null && y !== null) out.push([x, y]);
  }
  return out;
}

/** Header and rows for "Save CSV": the chart's table as it is. */
export function chartCsvTable(data: ChartData): { header: string[]; rows: CsvCell[][] } {
  return { header: data.columns.map((c) => c.key), rows: data.rows.map((r) => [...r]) };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
