// CSV export of a run: one row per (round, evaluation), with the round's summary and the spec's key fields.
import type { RunSpec } from '../../common/spec';
import type { RoundSummary, EvalPoint } from '../../common/contract';

export const CSV_COLUMNS = [
  'run_id',
  'round',
  'percent_remaining',
  'iteration',
  'test_accuracy',
  'test_loss',
  'val_accuracy',
  'val_loss',
  'train_loss',
  'early_stop_iteration',
  'early_stop_test_accuracy',
  'final_test_accuracy',
  'net',
  'dataset',
  'seed',
  'criterion',
  'mask1_action',
  'mask0_action',
  'pruning_mode',
  'optimizer',
  'lr',
  'batch_size',
  'iterations_per_round',
  'backend',
] as const;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: unknown[][]): string {
  return [header.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}

export interface ExportInput {
  runId: string;
  spec: RunSpec;
  backend: string | null;
  rounds: RoundSummary[];
  evals: { round: number; points: EvalPoint[] }[];
}

export function runCsvRows(r: ExportInput): unknown[][] {
  const rows: unknown[][] = [];
  const byRound = new Map(r.rounds.map((x) => [x.round, x]));
  for (const { round, points } of r.evals) {
    const s = byRound.get(round);
    if (!s) continue; // only completed rounds are exported
    for (const p of points) {
      rows.push([
        r.runId,
        round,
        round4(s.percentRemaining),
        p.iteration,
        p.testAccuracy,
        p.testLoss,
        p.valAccuracy,
        p.valLoss,
        p.trainLoss,
        s.earlyStopIteration,
        s.earlyStopTestAccuracy,
        s.finalTestAccuracy,
        r.spec.net,
        r.spec.dataset.id,
        r.spec.seed,
        r.spec.pruning.criterion,
        r.spec.pruning.mask1,
        r.spec.pruning.mask0,
        r.spec.pruning.mode,
        r.spec.training.optimizer,
        r.spec.training.lr,
        r.spec.training.batchSize,
        r.spec.training.iterations,
        r.backend ?? '',
      ]);
    }
  }
  return rows;
}

export function runCsv(r: ExportInput): string {
  return toCsv(CSV_COLUMNS, runCsvRows(r));
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
