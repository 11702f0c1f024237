// `ticketlab`: the headless front door onto the same runs service and store as the app.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { SpecError, resolveRunSpec } from '../../common/spec';
import { runIdOf } from '../runs/id';
import type { RunDetail, RunSummary } from '../../common/contract';
import { openStore, defaultDbPath, type Store } from '../store/db';
import { RunsService } from '../runs/service';
import { runDetail, listSummaries, resolveRunRef } from '../runs/queries';
import { runCsv } from '../runs/export';
import { isExperimentInput } from '../../common/experiment';
import { experimentDetail, experimentCsv, listExperiments, resolveExperimentRef } from '../runs/experiments';
import type { ExperimentDetail } from '../../common/contract';
import { formatDoctorReport, runDoctor } from '../app/doctor';

const program = new Command();
program
  .name('ticketlab')
  .description('Ticket Lab: lottery-ticket pruning studies from the command line. Runs are stored in a SQLite file shared with the app.')
  .version('0.1.0')
  .showHelpAfterError();

const dbOption = () => new Option('--db <file>', 'run store (SQLite file)').default(undefined, `${defaultDbPath()} or $TICKETLAB_DB`);

function open(db: string | undefined): Store {
  return openStore(db ?? defaultDbPath());
}

function fail(message: string, code = 1): never {
  process.stderr.write(`ticketlab: ${message}\n`);
  process.exit(code);
}

function readSpecFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read spec file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`spec file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

const pct = (x: number) => `${x.toFixed(1)}%`;
const acc = (x: number) => `${(x * 100).toFixed(2)}%`;

function fmtDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function roundsTable(d: RunDetail): string {
  const head = ['round', '% weights', 'test acc @ early stop', 'test acc (final)', 'early-stop it', 'time'];
  const rows = d.rounds.map((r) => [
    String(r.round),
    pct(r.percentRemaining),
    acc(r.earlyStopTestAccuracy),
    acc(r.finalTestAccuracy),
    String(r.earlyStopIteration),
    fmtDuration(r.wallMs / 1000),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function summaryLine(r: RunSummary): string {
  const progress = r.status === 'completed' ? `${r.roundsDone}/${r.totalRounds}` : `${r.roundsDone}/${r.totalRounds} rounds`;
  return [r.id, r.status.padEnd(11), r.net.padEnd(5), r.dataset.padEnd(13), `${r.criterion}/${r.mask1}/${r.mask0}`.padEnd(40), `seed ${r.seed}`.padEnd(8), progress, r.name ?? ''].join('  ');
}

/** Train a run (new or resumed) with a progress bar; Ctrl-C cancels cleanly, keeping completed rounds. */
async function train(store: Store, id: string, startIt: (svc: RunsService) => unknown, workers: number, json = false): Promise<void> {
  const svc = new RunsService(store, { workers });
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: 'round {round}/{rounds} |{bar}| it {value}/{total}  loss {loss}  {rate} it/s  ETA {eta}',
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  let lastLogged = -1;
  svc.subscribe((event, payload) => {
    if (event === 'run.status') {
      const p = payload as { runId: string; status: string; backend: string | null; error: string | null };
      if (p.runId === id && p.backend && p.status === 'running') {
        process.stderr.write(`backend: ${svc.backend?.name} — ${svc.backend?.reason}\n`);
      }
    } else if (event === 'run.progress') {
      const p = payload as import('../../common/contract').ProgressEvent;
      if (p.runId !== id) return;
      const fields = { round: p.round + 1, rounds: p.totalRounds, loss: p.loss.toFixed(4), rate: p.itPerSec.toFixed(0), eta: fmtDuration(p.etaSeconds) };
      if (bar) {
        if (!started) {
          bar.start(p.iterations, p.iteration, fields);
          started = true;
        } else bar.update(p.iteration, fields);
      }
    } else if (event === 'run.round') {
      const p = payload as { runId: string; round: import('../../common/contract').RoundSummary };
      if (p.runId !== id) return;
      const r = p.round;
      const msg = `round ${r.round}: ${pct(r.percentRemaining)} weights, test acc ${acc(r.earlyStopTestAccuracy)} at early-stop it ${r.earlyStopIteration}, final ${acc(r.finalTestAccuracy)} (${fmtDuration(r.wallMs / 1000)})`;
      if (bar) {
        bar.stop();
        started = false;
      }
      if (r.round !== lastLogged) process.stderr.write(msg + '\n');
      lastLogged = r.round;
    }
  });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nstopping after the current step (Ctrl-C again to quit at once)…\n');
    svc.cancel(id);
  };
  process.on('SIGINT', onSigint);
  startIt(svc);
  const status = await svc.waitFor(id);
  bar?.stop();
  process.off('SIGINT', onSigint);
  await svc.close();
  const d = runDetail(store, id);
  store.close();
  if (json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
  else if (d.rounds.length) process.stdout.write(`\n${roundsTable(d)}\n`);
  if (status === 'failed') fail(`run ${id} failed: ${d.summary.error ?? 'unknown error'}`);
  if (status === 'cancelled') {
    process.stdout.write(`run ${id} cancelled after ${d.rounds.length} completed round(s); continue with: ticketlab resume ${id}\n`);
    process.exit(130);
  }
  process.stdout.write(`run ${id} ${status} on ${d.summary.backend ?? '?'} (${d.rounds.length} rounds). Export: ticketlab export ${id} --csv\n`);
}

program
  .command('run')
  .description('train a run or an experiment (a grid of runs × seeds) from a spec file; resumes what was interrupted')
  .argument('<spec>', 'run spec JSON file (see examples/)')
  .addOption(dbOption())
  .option('--json', 'after training, print the run as JSON instead of a table')
  .option('--workers <n>', 'trainer worker threads for experiments (default: one per core)', (v) => parseInt(v, 10))
  .action(async (file: string, o: { db?: string; json?: boolean; workers?: number }) => {
    const input = readSpecFile(file);
    if (isExperimentInput(input)) return runExperiment(file, input, o);
    let spec;
    try {
      spec = resolveRunSpec(input);
    } catch (err) {
      if (err instanceof SpecError) fail(`${file}: ${err.message}`);
      throw err;
    }
    const id = runIdOf(spec);
    const store = open(o.db);
    const existing = store.getRun(id);
    if (existing?.status === 'completed') {
      process.stdout.write(`run ${id} is already completed (same spec); showing it\n${roundsTable(runDetail(store, id))}\n`);
      store.close();
      return;
    }
    if (existing) process.stderr.write(`run ${id} exists (${existing.status}); continuing it\n`);
    await train(store, id, (svc) => (existing ? svc.resume(id) : svc.create(input)), 1, o.json);
  });

program
  .command('list')
  .description('list stored runs')
  .addOption(dbOption())
  .option('--json', 'machine-readable output')
  .option('--limit <n>', 'at most this many runs', (v) => parseInt(v, 10))
  .option('--experiments', 'list experiments instead of runs')
  .action((o: { db?: string; json?: boolean; limit?: number; experiments?: boolean }) => {
    const store = open(o.db);
    const runs = listSummaries(store, o.limit);
    const experiments = listExperiments(store, o.limit);
    if (o.experiments) {
      process.stdout.write(
        o.json
          ? JSON.stringify(experiments, null, 2) + '\n'
          : experiments.map((e) => `${e.id}  ${String(e.completed).padStart(4)}/${e.runs} runs done  ${e.variants} variants × ${e.seeds} seeds  ${e.name ?? ''}`).join('\n') + '\n',
      );
    } else if (o.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
    else if (runs.length === 0) process.stdout.write('no runs stored yet: try `ticketlab run examples/fc-mnist-quick.json`\n');
    else process.stdout.write(runs.map(summaryLine).join('\n') + '\n');
    store.close();
  });

program
  .command('show')
  .description("print a run's or an experiment's spec and results")
  .argument('<run>', 'run or experiment id (or a unique prefix)')
  .addOption(dbOption())
  .option('--json', 'machine-readable output')
  .action((ref: string, o: { db?: string; json?: boolean }) => {
    const store = open(o.db);
    const expId = resolveExperimentRef(store, ref);
    if (expId && !store.getRun(ref)) {
      const e = experimentDetail(store, expId);
      process.stdout.write(o.json ? JSON.stringify(e, null, 2) + '\n' : experimentTable(e) + '\n');
      store.close();
      return;
    }
    const id = resolveOrFail(store, ref);
    const d = runDetail(store, id);
    if (o.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
    else {
      const s = d.summary;
      process.stdout.write(
        [
          `run ${s.id}${s.name ? `  "${s.name}"` : ''}`,
          `status: ${s.status}${s.error ? ` (${s.error})` : ''}`,
          `backend: ${s.backend ?? '-'}${d.backendReason ? ` — ${d.backendReason}` : ''}`,
          `spec: ${JSON.stringify(d.spec)}`,
          '',
          d.rounds.length ? roundsTable(d) : 'no completed rounds yet',
        ].join('\n') + '\n',
      );
    }
    store.close();
  });

program
  .command('export')
  .description("export a run or an experiment as CSV: one row per (run, round, evaluation)")
  .argument('<run>', 'run or experiment id (or a unique prefix)')
  .addOption(dbOption())
  .option('--csv', 'CSV format (the default and only format)')
  .option('--out <file>', 'write to this file instead of stdout')
  .action(async (ref: string, o: { db?: string; out?: string }) => {
    const store = open(o.db);
    const expId = resolveExperimentRef(store, ref);
    let csv: string;
    if (expId && !store.getRun(ref)) csv = experimentCsv(store, expId);
    else {
      const id = resolveOrFail(store, ref);
      const d = runDetail(store, id);
      csv = runCsv({ runId: id, spec: d.spec, backend: d.summary.backend, rounds: d.rounds, evals: d.evals });
    }
    store.close();
    if (o.out) {
      await writeFile(o.out, csv);
      process.stderr.write(`wrote ${path.resolve(o.out)}\n`);
    } else process.stdout.write(csv);
  });

program
  .command('resume')
  .description('continue an interrupted, cancelled or failed run from its last completed round')
  .argument('<run>', 'run id (or a unique prefix)')
  .addOption(dbOption())
  .action(async (ref: string, o: { db?: string }) => {
    const store = open(o.db);
    const id = resolveOrFail(store, ref);
    const d = runDetail(store, id);
    if (d.summary.status === 'completed') {
      process.stdout.write(`run ${id} is already completed\n${roundsTable(d)}\n`);
      return;
    }
    process.stderr.write(`resuming run ${id} after ${d.rounds.length} completed round(s)\n`);
    await train(store, id, (svc) => svc.resume(id), 1);
  });

/** The experiment at its most-pruned round: one line per variant, mean [min, max] over seeds, a star if significant. */
export function experimentTable(e: ExperimentDetail): string {
  const lastRound = Math.max(-1, ...e.variants.flatMap((v) => v.accuracy.map((p) => p.round)));
  const head = ['variant', 'n', '% weights', 'test acc @ early stop (mean [min, max])', 'early-stop it (mean)', ''];
  const rows = e.variants.map((v) => {
    const a = v.accuracy.find((p) => p.round === lastRound);
    const es = v.earlyStop.find((p) => p.round === lastRound);
    const star = e.stars.some((s) => s.metric === 'accuracy' && s.round === lastRound && s.variant === v.key) ? '*' : '';
    return [
      v.label,
      String(a?.n ?? 0),
      a ? pct(a.percentRemaining) : '-',
      a ? `${acc(a.mean)} [${acc(a.min)}, ${acc(a.max)}]` : '-',
      es ? es.mean.toFixed(0) : '-',
      star,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  const s = e.summary;
  return [
    `experiment ${s.id}${s.name ? `  "${s.name}"` : ''}: ${s.completed}/${s.runs} runs completed, ${s.variants} variants × ${s.seeds} seeds`,
    e.unpruned ? `unpruned network: ${acc(e.unpruned.accuracy)} test accuracy (mean of ${e.unpruned.n})` : '',
    `at round ${lastRound} (* = significantly above every other variant, one-sided Welch t-test, p < ${e.alpha}):`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** Train an experiment's runs in a worker pool with one overall progress line. */
async function runExperiment(file: string, input: unknown, o: { db?: string; json?: boolean; workers?: number }): Promise<void> {
  const store = open(o.db);
  const svc = new RunsService(store, { workers: o.workers });
  let created;
  try {
    created = svc.createExperiment(input);
  } catch (err) {
    await svc.close();
    if (err instanceof SpecError) fail(`${file}: ${err.message}`);
    throw err;
  }
  const { id, runIds } = created;
  // Members left interrupted, cancelled or failed by an earlier session continue too.
  for (const rid of runIds) {
    const st = store.getRun(rid)?.status;
    if (st === 'interrupted' || st === 'cancelled' || st === 'failed') svc.resume(rid);
  }
  process.stderr.write(`experiment ${id}: ${runIds.length} runs (${created.queued} new) on ${svc.workerCount} worker(s)\n`);
  const t0 = Date.now();
  let stopping = false;
  const onSigint = () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\ncancelling the experiment’s runs (completed rounds are kept; run the same spec again to continue)…\n');
    for (const rid of runIds) svc.cancel(rid);
  };
  process.on('SIGINT', onSigint);
  svc.subscribe((event, payload) => {
    if (event === 'run.status') {
      const p = payload as { runId: string; status: string; error: string | null };
      if (['completed', 'failed'].includes(p.status) && runIds.includes(p.runId)) {
        const done = runIds.filter((r) => ['completed', 'failed', 'cancelled'].includes(store.getRun(r)?.status ?? '')).length;
        const el = (Date.now() - t0) / 1000;
        process.stderr.write(`  [${done}/${runIds.length}] run ${p.runId} ${p.status}${p.error ? `: ${p.error}` : ''} (${fmtDuration(el)} elapsed)\n`);
      }
    }
  });
  const statuses = await Promise.all(runIds.map((rid) => svc.waitFor(rid)));
  process.off('SIGINT', onSigint);
  await svc.close();
  const e = experimentDetail(store, id);
  store.close();
  process.stdout.write(o.json ? JSON.stringify(e, null, 2) + '\n' : `\n${experimentTable(e)}\n`);
  const wall = (Date.now() - t0) / 1000;
  process.stdout.write(`experiment ${id}: ${statuses.filter((s) => s === 'completed').length}/${runIds.length} runs completed in ${fmtDuration(wall)}. Export: ticketlab export ${id} --csv\n`);
  if (statuses.some((s) => s === 'failed')) process.exit(1);
  if (statuses.some((s) => s === 'cancelled')) process.exit(130);
}

program
  .command('doctor')
  .description('say which training backend runs here and what the faster ones miss (GPU: CUDA 11.2 + cuDNN 8.1), with versions, cores and the desktop app\'s setup')
  .option('--json', 'machine-readable output (the same report as the app\'s settings panel)')
  .action(async (o: { json?: boolean }) => {
    const report = await runDoctor();
    process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctorReport(report)}\n`);
    if (!report.backend) process.exitCode = 1;
  });

function resolveOrFail(store: Store, ref: string): string {
  try {
    return resolveRunRef(store, ref);
  } catch (err) {
    fail((err as Error).message);
  }
}

program.parseAsync(process.argv).catch((err) => fail(err instanceof Error ? err.message : String(err)));
