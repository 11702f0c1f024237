// Runs left 'running' by a process that is gone become 'interrupted': a dead pid (a real child process that
// has exited), a live pid (a real child still running), a stale heartbeat, a claim by an earlier process
// that had our pid, and one writer per run (claimRun refuses a run a live process is training).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../../src/main/store/db';
import { isProcessAlive } from '../../../src/main/store/liveness';
import { newRun, removeDir, tempDir } from './helpers';

const tmp = tempDir();
const children: ChildProcess[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  removeDir(tmp);
});

let n = 0;
function open(opts: Parameters<typeof openStore>[1] = {}, name = `r${++n}.sqlite`): Store {
  const s = openStore(path.join(tmp, name), opts);
  stores.push(s);
  return s;
}

/** Spawns a node child that lives `ms` milliseconds. */
function child(ms: number): ChildProcess {
  const c = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${ms})`], { stdio: 'ignore' });
  children.push(c);
  return c;
}

/** The pid of a child process that has started and exited (and been reaped). */
async function deadPid(): Promise<number> {
  const c = child(0);
  await new Promise<void>((resolve) => c.once('exit', () => resolve()));
  return c.pid!;
}

describe('reconcileInterrupted', () => {
  it('interrupts a run whose owner process has exited, and keeps one whose owner is alive', async () => {
    const dead = await deadPid();
    expect(isProcessAlive(dead)).toBe(false);
    const alive = child(60_000);
    await new Promise<void>((resolve) => alive.once('spawn', () => resolve()));
    expect(isProcessAlive(alive.pid!)).toBe(true);

    const store = open();
    const a = newRun(1);
    const b = newRun(2);
    store.createRun(a);
    store.createRun(b);
    store.claimRun(a.id, dead);
    store.claimRun(b.id, alive.pid!);

    const changed = store.reconcileInterrupted();
    expect(changed.map((c) => c.id)).toEqual([a.id]);
    expect(changed[0].reason).toContain(`pid ${dead}`);
    expect(store.getRun(a.id)).toMatchObject({ status: 'interrupted', ownerPid: null });
    expect(store.getRun(a.id)?.error).toMatch(new RegExp(`Interrupted: the process that was training it \\(pid ${dead}\\) has ended`));
    expect(store.getRun(a.id)?.finishedAt).not.toBeNull();
    expect(store.getRun(b.id)).toMatchObject({ status: 'running', ownerPid: alive.pid });

    // Once the live owner exits, the next open (which reconciles) interrupts its run too.
    alive.kill('SIGKILL');
    await new Promise<void>((resolve) => alive.once('exit', () => resolve()));
    const reopened = open({}, path.basename(store.file));
    expect(reopened.getRun(b.id)?.status).toBe('interrupted');
  });

  it('interrupts a run with a live owner whose heartbeat is too old (pid reuse, hung process)', async () => {
    const alive = child(60_000);
    await new Promise<void>((resolve) => alive.once('spawn', () => resolve()));
    let clock = Date.parse('2025-03-01T12:00:00Z');
    const store = open({ now: () => clock, staleAfterMs: 60_000 });
    const r = newRun(3);
    store.createRun(r);
    store.claimRun(r.id, alive.pid!);
    clock += 30_000;
    store.heartbeat(r.id, { round: 0, iteration: 10 });
    clock += 59_000;
    expect(store.reconcileInterrupted()).toEqual([]);
    clock += 2_000;
    const changed = store.reconcileInterrupted();
    expect(changed.map((c) => c.id)).toEqual([r.id]);
    expect(changed[0].reason).toMatch(new RegExp(`no heartbeat from its trainer \\(process ${alive.pid} on .+\\) for 61 s`));
    // A stricter limit can also be passed per call.
    const r2 = newRun(4);
    store.createRun(r2);
    store.claimRun(r2.id, alive.pid!);
    clock += 5_000;
    expect(store.reconcileInterrupted({ staleAfterMs: 1_000 }).map((c) => c.id)).toEqual([r2.id]);
  });

  it('keeps runs this very process claimed, however old their heartbeat', () => {
    let clock = Date.now();
    const store = open({ now: () => clock, staleAfterMs: 1_000 });
    const r = newRun(5);
    store.createRun(r);
    store.claimRun(r.id, process.pid);
    clock += 3_600_000;
    expect(store.reconcileInterrupted()).toEqual([]);
    expect(store.getRun(r.id)?.status).toBe('running');
  });

  it('interrupts a claim made under our pid by an earlier process (containers reuse pids)', () => {
    const store = open();
    const r = newRun(6);
    store.createRun(r);
    store.claimRun(r.id, process.pid);
    store.connection.prepare(`UPDATE runs SET owner_token = 'an-earlier-process' WHERE id = ?`).run(r.id);
    const changed = store.reconcileInterrupted();
    expect(changed.map((c) => c.id)).toEqual([r.id]);
    expect(changed[0].reason).toMatch(/earlier process with the same pid/);
  });

  it('runs on open by default, and can be turned off', async () => {
    const dead = await deadPid();
    const first = open({ reconcileOnOpen: false }, 'on-open.sqlite');
    const r = newRun(7);
    first.createRun(r);
    first.claimRun(r.id, dead);
    const noReconcile = open({ reconcileOnOpen: false }, 'on-open.sqlite');
    expect(noReconcile.getRun(r.id)?.status).toBe('running');
    const reconciling = open({}, 'on-open.sqlite');
    expect(reconciling.getRun(r.id)?.status).toBe('interrupted');
  });
});

describe('claimRun: one writer per run', () => {
  it('refuses a run that another live process is training, allows re-claiming by the same owner and taking over a dead one', async () => {
    const alive = child(60_000);
    await new Promise<void>((resolve) => alive.once('spawn', () => resolve()));
    const store = open();
    const r = newRun(8);
    store.createRun(r);
    store.claimRun(r.id, alive.pid!);
    let caught: unknown;
    try {
      store.claimRun(r.id, process.pid);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).kind).toBe('conflict');
    expect((caught as StoreError).message).toMatch(new RegExp(`process ${alive.pid} on .+ is training it`));
    expect(store.claimRun(r.id, alive.pid!).ownerPid).toBe(alive.pid); // the owner itself may re-claim

    alive.kill('SIGKILL');
    await new Promise<void>((resolve) => alive.once('exit', () => resolve()));
    expect(store.claimRun(r.id, process.pid)).toMatchObject({ status: 'running', ownerPid: process.pid });
  });
});
