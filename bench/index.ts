// `npm run bench`: measure the engine and the app on this machine, run the same training work in PyTorch
// when it is installed, print a table with our/PyTorch ratios, and record every number in
// bench/results.json as {name, value, unit[, peer_value, ratio]} (rows with other names are kept).
//
// Measurements (each the median of several runs after a warm-up, on the active backend):
//   FC one run          LeNet-300-100, batch 60, Adam, masked as pruning round 3: iterations/s (and dense)
//   FC study            seed-iterations/s with one worker thread per core, each training its own seed
//   Conv2 step          one training step, batch 60, Adam
//   LT run              wall time of examples/fc-mnist-quick.json (8 rounds) through RunsService + worker + SQLite
//   IPC under load      p50/p95 round trip of runs.list/app.info over browser mode while every core trains
//   peak RSS            of this process after the FC and Conv2 work (vs the peer's), and at the end
// The PyTorch peer is bench/peer/peer.py (see bench/README.md); it is skipped with a message when absent.
//
// Options: --backend auto|wasm|cpu|tensorflow|tensorflow-gpu (auto), --repeats N (5), --fc-iterations N
// (500), --conv-steps N (2), --conv-repeats N (3), --study-iterations N (500), --study-repeats N (3),
// --workers N (one per core), --lt-runs N (3), --ipc-calls N (100 per window), --ipc-windows N (3),
// --peer-python PATH (/usr/bin/python3), --quick (fewer repeats, one LT run), --skip-conv, --skip-study,
// --skip-peer, --skip-lt, --skip-ipc.
import os from 'node:os';
import path from 'node:path';
import { BACKEND_PREFS, type BackendPref } from '../src/common/spec';
import { initBackend } from '../src/main/engine/backend';
import { benchConvStep, benchFcItersPerSec, liveTensors, type BenchStats } from './engine-bench';
import { benchIpcUnderLoad } from './ipc-bench';
import { benchLotteryRun } from './lottery-bench';
import { DEFAULT_PEER_PYTHON, describePeer, explainPeer, runPeer, type PeerOutcome } from './peer';
import { recordResults, repoRoot, resultRow, type BenchResult } from './results';
import { benchFcStudy, isStudyWorker, studyWorkerMain } from './study';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function intOption(name: string, fallback: number): number {
  const v = option(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

/** The targets of issue #5, as ratios to PyTorch on the same machine (or absolute, for IPC). */
const TARGETS: Record<string, { check: (r: BenchResult) => boolean | null; text: string }> = {
  fc_one: { check: (r) => (r.ratio === undefined ? null : r.ratio >= 0.33), text: '≥ 0.33×' },
  fc_study: { check: (r) => (r.ratio === undefined ? null : r.ratio >= 1.0), text: '≥ 1.0×' },
  conv2: { check: (r) => (r.ratio === undefined ? null : r.ratio >= 0.5), text: '≥ 0.5×' },
  ipc_p95: { check: (r) => r.value < 50, text: '< 50 ms' },
};

interface Line {
  what: string;
  result: BenchResult;
  digits: number;
  target?: keyof typeof TARGETS;
  detail: string;
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const samples = (s: { samples: number[] }, digits = 1, scale = 1) => `runs ${s.samples.map((x) => fmt(x * scale, digits)).join(', ')}`;

function printTable(lines: Line[]): void {
  const cells = lines.map((l) => {
    const r = l.result;
    const target = l.target ? TARGETS[l.target] : undefined;
    const met = target?.check(r);
    return [
      l.what,
      `${fmt(r.value, l.digits)} ${r.unit}`,
      r.peer_value !== undefined ? `${fmt(r.peer_value, l.digits)} ${r.unit}` : '-',
      r.ratio !== undefined ? `${fmt(r.ratio, 2)}×` : '-',
      target ? `${target.text} ${met === null ? '(no peer)' : met ? 'met' : 'MISSED'}` : '',
      l.detail,
    ];
  });
  const head = ['measurement', 'ours', 'PyTorch', 'ratio', 'target', 'details'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 0 || i >= 4 ? x.padEnd(widths[i]) : x.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;

/** A peer rate rounded like ours (one decimal), or undefined. */
const peerNum = (x: number | undefined) => (x === undefined ? undefined : Number(fmt(x)));

async function main(): Promise<void> {
  const pref = (option('backend') ?? 'auto') as BackendPref;
  if (!BACKEND_PREFS.includes(pref)) throw new Error(`--backend must be one of ${BACKEND_PREFS.join(', ')}`);
  const quick = flag('quick');
  const repeats = intOption('repeats', quick ? 3 : 5);
  const fcIterations = intOption('fc-iterations', quick ? 300 : 500);
  const convSteps = intOption('conv-steps', 2);
  const convRepeats = intOption('conv-repeats', quick ? 2 : 3);
  const studyIterations = intOption('study-iterations', quick ? 300 : 500);
  const studyRepeats = intOption('study-repeats', 3);
  const workers = intOption('workers', os.availableParallelism());
  const ltRuns = intOption('lt-runs', quick ? 1 : 3);
  const ipcCalls = intOption('ipc-calls', quick ? 60 : 100);
  const ipcWindows = intOption('ipc-windows', 3);
  const root = repoRoot();
  const quickSpec = path.join(root, 'examples', 'fc-mnist-quick.json');

  const info = await initBackend(pref);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg()[0];
  console.log(`${info.reason}`);
  console.log(`Node ${process.versions.node}, ${cpu}, ${os.availableParallelism()} cores, load average ${load.toFixed(2)} at start.`);
  if (load > 0.5 * os.availableParallelism()) {
    console.log('Warning: the machine is busy with other work; absolute numbers will be low (both sides of each ratio suffer).');
  }
  console.log('');
  const b = info.name;
  const lines: Line[] = [];
  const before = liveTensors();

  const log = (what: string) => process.stderr.write(`… ${what}\n`);
  log(`FC one run, masked: ${repeats} x ${fcIterations} iterations`);
  const fcMasked = await benchFcItersPerSec({ iterations: fcIterations, repeats, masked: true });
  log('FC one run, dense');
  const fcDense = await benchFcItersPerSec({ iterations: fcIterations, repeats, masked: false });
  let conv: BenchStats | null = null;
  if (!flag('skip-conv')) {
    log(`Conv2 step: ${convRepeats} x ${convSteps} steps`);
    conv = await benchConvStep('conv2', { steps: convSteps, repeats: convRepeats });
  }
  const leaked = liveTensors() - before;
  if (leaked !== 0) throw new Error(`the benchmarks leaked ${leaked} tensors`);
  const trainingRss = rssMb();

  let peer: PeerOutcome = { available: false, reason: 'skipped (--skip-peer)' };
  if (!flag('skip-peer')) {
    log('PyTorch peer (bench/peer/peer.py)');
    peer = await runPeer({
      python: option('peer-python') ?? DEFAULT_PEER_PYTHON,
      script: path.join(root, 'bench', 'peer', 'peer.py'),
      fcIterations,
      repeats,
      convSteps,
      convRepeats,
      skipConv: conv === null,
    });
  }
  const p = peer.available ? peer : null;

  lines.push({
    what: 'FC one run, masked (round 3), batch 60, Adam',
    result: resultRow(`fc_train_masked_b60_adam_${b}`, Number(fmt(fcMasked.median)), 'it/s', peerNum(p?.fc_masked.median)),
    digits: 1,
    target: 'fc_one',
    detail: `${samples(fcMasked)}; by CPU time ${fmt(fcMasked.cpuMedian)}`,
  });
  lines.push({
    what: 'FC one run, dense, batch 60, Adam',
    result: resultRow(`fc_train_dense_b60_adam_${b}`, Number(fmt(fcDense.median)), 'it/s', peerNum(p?.fc_dense.median)),
    digits: 1,
    detail: `${samples(fcDense)}; by CPU time ${fmt(fcDense.cpuMedian)}`,
  });

  if (!flag('skip-study')) {
    log(`FC study: ${workers} workers x ${studyRepeats} x ${studyIterations} iterations`);
    const study = await benchFcStudy({ entry: new URL(import.meta.url), workers, iterations: studyIterations, repeats: studyRepeats, backend: pref });
    lines.push({
      what: `FC study, ${workers} seeds at once (a worker per core)`,
      result: resultRow(`fc_study_masked_b60_adam_${b}`, Number(fmt(study.median)), 'seed-it/s', peerNum(p?.fc_masked.median)),
      digits: 1,
      target: 'fc_study',
      detail: `${samples(study)}; PyTorch: one seed after another, one thread`,
    });
  }
  if (conv) {
    lines.push({
      what: 'Conv2 training step, batch 60, Adam',
      result: resultRow(`conv2_step_b60_adam_${b}`, Math.round(conv.median), 'ms', p?.conv2 ? Math.round(p.conv2.median * 1000) : undefined),
      digits: 0,
      target: 'conv2',
      detail: `${samples(conv, 0)}; by CPU time ${fmt(conv.cpuMedian, 0)}`,
    });
  }
  lines.push({
    what: 'Peak RSS after the FC and Conv2 work',
    result: resultRow(`peak_rss_training_${b}`, Math.round(trainingRss), 'MB', p ? Math.round(p.maxrss_mb) : undefined),
    digits: 0,
    detail: 'this process (tfjs, wasm heap); PyTorch: its process after the same work',
  });

  if (!flag('skip-lt')) {
    log(`LT run: ${ltRuns} x examples/fc-mnist-quick.json (8 rounds x 3000 iterations)`);
    const lt = await benchLotteryRun({ specFile: quickSpec, runs: ltRuns });
    lines.push({
      what: 'FC/MNIST quick LT run (8 rounds), RunsService + worker + SQLite',
      result: resultRow(`lt_fc_mnist_quick_wall_${b}`, Number(fmt(lt.median)), 's'),
      digits: 1,
      detail: `${samples(lt)}; ${lt.rounds} rounds on ${lt.backend}, last round ${fmt(lt.lastRoundPercent)}% weights, ${fmt(lt.lastRoundAccuracy * 100, 2)}% test acc`,
    });
  }

  if (!flag('skip-ipc')) {
    log(`IPC under load: ${workers} training runs, ${ipcWindows} x ${ipcCalls} calls`);
    const ipc = await benchIpcUnderLoad({ specFile: quickSpec, workers, callsPerWindow: ipcCalls, windows: ipcWindows });
    const busy = `${ipc.workers} runs training, CPU ${fmt(ipc.cpuBusy * 100, 0)}% of ${os.availableParallelism()} cores`;
    lines.push({
      what: 'IPC round trip p50, browser mode, every core training',
      result: resultRow('ipc_roundtrip_p50_under_load', Number(fmt(ipc.p50, 2)), 'ms'),
      digits: 2,
      detail: `windows ${ipc.windows.map((w) => fmt(w.p50, 2)).join(', ')}; ${busy}`,
    });
    lines.push({
      what: 'IPC round trip p95, browser mode, every core training',
      result: resultRow('ipc_roundtrip_p95_under_load', Number(fmt(ipc.p95, 2)), 'ms'),
      digits: 2,
      target: 'ipc_p95',
      detail: `windows ${ipc.windows.map((w) => fmt(w.p95, 2)).join(', ')}; max ${fmt(Math.max(...ipc.windows.map((w) => w.max)), 1)} ms; runs.list/app.info`,
    });
  }
  lines.push({
    what: 'Peak RSS of the whole bench',
    result: resultRow('peak_rss_bench', Math.round(rssMb()), 'MB'),
    digits: 0,
    detail: 'including the LT run and the IPC load (trainer workers are threads of this process)',
  });

  console.log('');
  if (p) console.log(`Peer: ${describePeer(p)}`);
  else console.log(`Peer: PyTorch comparison skipped: ${peer.available ? '' : peer.reason}`);
  console.log('Ratio: ours relative to PyTorch on this machine, higher is better (rates: ours/PyTorch; times and memory: PyTorch/ours).\n');
  printTable(lines);
  if (p) {
    // The load before the bench started: later load averages include the bench's own worker threads.
    const why = explainPeer(p, load / os.availableParallelism());
    if (why.length) console.log(`\n${why.join('\n')}`);
  }
  recordResults(lines.map((l) => l.result));
  console.log(`\nrecorded ${lines.length} rows in bench/results.json`);
}

if (isStudyWorker()) {
  void studyWorkerMain();
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
