// `npm run bench`: measure the engine on this machine, print a table, and record the numbers in
// bench/results.json as {name, value, unit} entries (rows with other names are kept, so other
// benchmarks can add theirs).
//
// Options: --backend auto|wasm|cpu|tensorflow|tensorflow-gpu (default auto), --fc-iterations N (500),
// --repeats N (5), --conv-steps N (2), --skip-conv.
import { BACKEND_PREFS, type BackendPref } from '../src/common/spec';
import { initBackend } from '../src/main/engine/backend';
import { benchConvStep, benchFcItersPerSec, liveTensors, type BenchStats } from './engine-bench';
import { recordResults, type BenchResult } from './results';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intOption(name: string, fallback: number): number {
  const v = option(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

function printTable(rows: { what: string; value: string; detail: string }[]): void {
  const w0 = Math.max(...rows.map((r) => r.what.length), 'benchmark'.length);
  const w1 = Math.max(...rows.map((r) => r.value.length), 'median'.length);
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`;
  console.log(line('benchmark', 'median', 'details'));
  console.log(line('-'.repeat(w0), '-'.repeat(w1), '-'.repeat(7)));
  for (const r of rows) console.log(line(r.what, r.value, r.detail));
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const samples = (s: BenchStats, digits = 1) => `runs ${s.samples.map((x) => fmt(x, digits)).join(', ')}; by CPU time ${fmt(s.cpuMedian, digits)}`;

async function main(): Promise<void> {
  const pref = (option('backend') ?? 'auto') as BackendPref;
  if (!BACKEND_PREFS.includes(pref)) throw new Error(`--backend must be one of ${BACKEND_PREFS.join(', ')}`);
  const fcIterations = intOption('fc-iterations', 500);
  const repeats = intOption('repeats', 5);
  const convSteps = intOption('conv-steps', 2);

  const info = await initBackend(pref);
  console.log(`${info.reason}\n`);
  const before = liveTensors();

  const fcMasked = await benchFcItersPerSec({ iterations: fcIterations, repeats, masked: true });
  const fcDense = await benchFcItersPerSec({ iterations: fcIterations, repeats, masked: false });
  const table = [
    { what: `FC training, masked (round 3), batch 60, Adam [${info.name}]`, value: `${fmt(fcMasked.median)} it/s`, detail: samples(fcMasked) },
    { what: `FC training, dense, batch 60, Adam [${info.name}]`, value: `${fmt(fcDense.median)} it/s`, detail: samples(fcDense) },
  ];
  const results: BenchResult[] = [
    { name: `fc_train_masked_b60_adam_${info.name}`, value: Number(fmt(fcMasked.median)), unit: 'it/s' },
    { name: `fc_train_dense_b60_adam_${info.name}`, value: Number(fmt(fcDense.median)), unit: 'it/s' },
  ];
  if (!process.argv.includes('--skip-conv')) {
    const conv = await benchConvStep('conv2', { steps: convSteps, repeats: 2 });
    table.push({ what: `Conv2 training step, batch 60, Adam [${info.name}]`, value: `${fmt(conv.median, 0)} ms`, detail: samples(conv, 0) });
    results.push({ name: `conv2_step_b60_adam_${info.name}`, value: Math.round(conv.median), unit: 'ms' });
  }
  printTable(table);
  const leaked = liveTensors() - before;
  if (leaked !== 0) throw new Error(`the benchmarks leaked ${leaked} tensors`);
  recordResults(results);
  console.log(`\nrecorded ${results.length} rows in bench/results.json`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
