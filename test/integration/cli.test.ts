// The `ticketlab` CLI end to end, as a user runs it: real process, real SQLite file, real MNIST.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tempDir, repoRoot } from '../helpers/tmp';

const bin = path.join(repoRoot, 'bin/ticketlab.mjs');
const tmp = tempDir('ticketlab-cli-');
afterAll(() => tmp.cleanup());

function cli(args: string[], timeout = 300_000) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout, cwd: tmp.dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeSpec(name: string, spec: object): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

const tiny = {
  net: 'fc',
  seed: 3,
  dataset: { id: 'mnist', trainLimit: 2000, testLimit: 1000 },
  training: { iterations: 200, evalEvery: 100 },
  pruning: { rounds: 2 },
  backend: 'wasm',
};

describe('ticketlab CLI', () => {
  const db = path.join(tmp.dir, 'cli.sqlite');

  it('--help works on every command', () => {
    for (const cmd of [[], ['run'], ['list'], ['show'], ['export'], ['resume']]) {
      const r = cli([...cmd, '--help']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Usage: ticketlab/);
    }
  });

  it('runs a spec, lists it, shows it and exports CSV', () => {
    const file = writeSpec('tiny.json', tiny);
    const run = cli(['run', file, '--db', db]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/backend: wasm/);
    expect(run.stdout).toMatch(/% weights/);
    expect(run.stdout).toMatch(/100\.0%/);
    expect(run.stdout).toMatch(/80\.0%/);

    const list = cli(['list', '--db', db, '--json']);
    expect(list.code).toBe(0);
    const runs = JSON.parse(list.stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('completed');
    const id = runs[0].id as string;

    const show = cli(['show', id.slice(0, 8), '--db', db, '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).rounds).toHaveLength(2);

    const out = path.join(tmp.dir, 'tiny.csv');
    const exp = cli(['export', id, '--csv', '--out', out, '--db', db]);
    expect(exp.code, exp.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    for (const col of ['run_id', 'round', 'percent_remaining', 'iteration', 'test_accuracy', 'test_loss', 'early_stop_iteration']) {
      expect(header).toContain(col);
    }
    expect(lines).toHaveLength(1 + 2 * 2);
    expect(lines[1].startsWith(id)).toBe(true);

    // running the same spec again does not train again
    const again = cli(['run', file, '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already completed/);
  }, 300_000);

  it('rejects a bad spec with a message naming the field and the allowed values', () => {
    const file = writeSpec('bad.json', { ...tiny, pruning: { criterion: 'largest' } });
    const r = cli(['run', file, '--db', db]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/pruning\.criterion/);
    expect(r.stderr).toMatch(/large_final/);
    const notJson = path.join(tmp.dir, 'broken.json');
    writeFileSync(notJson, '{ "net": "fc", ');
    const r2 = cli(['run', notJson, '--db', db]);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/not valid JSON/);
  });

  it('reports a corrupt data file by name and keeps earlier runs intact', () => {
    const dir = path.join(tmp.dir, 'cifar-corrupt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'data_batch_1.bin'), Buffer.alloc(3073 * 10 + 17, 1));
    writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.alloc(3073 * 10, 1));
    const file = writeSpec('corrupt.json', {
      net: 'conv2',
      dataset: { id: 'cifar10', path: dir },
      training: { iterations: 10, evalEvery: 10 },
      pruning: { rounds: 1 },
      backend: 'wasm',
    });
    const r = cli(['run', file, '--db', db]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/data_batch_1\.bin/);
    const list = JSON.parse(cli(['list', '--db', db, '--json']).stdout) as { status: string }[];
    expect(list.filter((x) => x.status === 'completed')).toHaveLength(1);
    expect(list.filter((x) => x.status === 'failed')).toHaveLength(1);
  });

  it('resumes a run killed mid-way from its last completed round', async () => {
    const killDb = path.join(tmp.dir, 'kill.sqlite');
    const file = writeSpec('kill.json', { ...tiny, seed: 11, pruning: { rounds: 4 } });
    const child = spawn(process.execPath, [bin, 'run', file, '--db', killDb], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    // wait until round 1 has completed, then kill the process hard
    const deadline = Date.now() + 240_000;
    while (!/round 1:/.test(err)) {
      if (Date.now() > deadline) throw new Error(`no round completed in time: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));

    const before = JSON.parse(cli(['list', '--db', killDb, '--json']).stdout)[0];
    expect(before.status).toBe('interrupted');
    expect(before.roundsDone).toBeGreaterThanOrEqual(2);
    expect(before.roundsDone).toBeLessThan(4);

    const resumed = cli(['resume', before.id, '--db', killDb]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming run/);
    const after = JSON.parse(cli(['show', before.id, '--db', killDb, '--json']).stdout);
    expect(after.summary.status).toBe('completed');
    expect(after.rounds.map((r: { round: number }) => r.round)).toEqual([0, 1, 2, 3]);

    // and the resumed run equals an uninterrupted one
    const cleanDb = path.join(tmp.dir, 'clean.sqlite');
    expect(cli(['run', file, '--db', cleanDb]).code).toBe(0);
    const exportOf = (d: string) => cli(['export', before.id, '--csv', '--db', d]).stdout;
    expect(exportOf(killDb)).toBe(exportOf(cleanDb));
  }, 600_000);
});

