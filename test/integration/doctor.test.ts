// `ticketlab doctor` end to end, as a user runs it: the real CLI process probing this machine.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/common/contract';
import { repoRoot } from '../helpers/tmp';

const bin = path.join(repoRoot, 'bin/ticketlab.mjs');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 180_000, cwd: repoRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ticketlab doctor', () => {
  it('--json prints a report that names the active backend and what each other rung lacks', () => {
    const r = cli(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.backend).not.toBeNull();
    const backend = report.backend!;
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(backend.name);
    // The ladder, fastest first; exactly one rung is active, and it is the backend named at the top.
    expect(report.backends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(report.backends.filter((b) => b.status === 'active').map((b) => b.name)).toEqual([backend.name]);
    expect(backend.reason).toMatch(/^Training runs on /);
    const active = report.backends.findIndex((b) => b.status === 'active');
    for (const faster of report.backends.slice(0, active)) {
      expect(faster.status).toBe('unavailable');
      expect(faster.detail.length).toBeGreaterThan(10);
    }
    // The GPU section always states the CUDA/cuDNN versions tfjs-node-gpu needs.
    expect(report.gpu.requires).toMatch(/CUDA 11\.2/);
    expect(report.gpu.requires).toMatch(/cuDNN 8\.1/);
    if (!report.gpu.installed) expect(report.advice.join('\n')).toMatch(/tfjs-node-gpu/);
    expect(report.versions.node).toBe(process.versions.node);
    expect(report.versions.tfjs).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.cpu.cores).toBe(os.availableParallelism());
    expect(typeof report.electron.binaryPresent).toBe('boolean');
    expect(report.electron.sqliteBinding).toMatch(/better_sqlite3\.node$/);
    expect(Number.isNaN(Date.parse(report.checkedAt))).toBe(false);
  }, 200_000);

  it('prints the same findings as text without --json', () => {
    const json = JSON.parse(cli(['doctor', '--json']).stdout) as DoctorReport;
    const text = cli(['doctor']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Training backend: ${json.backend!.name}`);
    for (const b of json.backends) expect(text.stdout).toMatch(new RegExp(`^  ${b.name}\\s+${b.status}`, 'm'));
    expect(text.stdout).toMatch(/CUDA 11\.2/);
    expect(() => JSON.parse(text.stdout)).toThrow();
  }, 200_000);

  it('is listed in --help', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/doctor/);
  });
});
