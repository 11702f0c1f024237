// E2E fixtures: a real browser-mode server per test file (own temporary run store), the URL it prints
// (with its per-launch token), a typed way to call the contract over HTTP like the UI does, and helpers
// for screenshots and downloads.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Download, type Page } from '@playwright/test';
import type { Channel, Request, Response } from '../../src/common/contract';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENS_DIR = path.join(root, 'test-results/screens');

export interface AppServer {
  /** The URL to open, with its access token: http://127.0.0.1:<port>/?token=… */
  url: string;
  origin: string;
  token: string;
  dbPath: string;
  /** Call a contract channel over HTTP, exactly as the renderer's browser-mode client does. */
  call<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C>>;
  /** The server's output so far (for diagnostics). */
  log(): string;
}

/**
 * Start browser mode on a free port. With `dbPath`, reuse that run store (and leave it in place on stop);
 * otherwise use a fresh one in a temporary folder that `stop` removes.
 */
export async function startServer(opts: { dbPath?: string } = {}): Promise<{ server: AppServer; stop: () => Promise<void> }> {
  const dir = opts.dbPath ? null : mkdtempSync(path.join(os.tmpdir(), 'ticketlab-e2e-'));
  const dbPath = opts.dbPath ?? path.join(dir!, 'runs.db');
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'out/node/server.js'), '--port', '0', '--db', dbPath, '--workers', '2'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser-mode server did not print its URL within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const m = /Open:\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser-mode server exited with code ${code}:\n${output}`));
    });
  });
  const u = new URL(url);
  const token = u.searchParams.get('token')!;

  const server: AppServer = {
    url,
    origin: u.origin,
    token,
    dbPath,
    log: () => output,
    async call(channel, request) {
      const res = await fetch(`${u.origin}/api/call/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, Origin: u.origin },
        body: JSON.stringify(request),
      });
      const body = (await res.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
      if (!body.ok) throw new Error(`${channel}: ${body.error?.message ?? res.status}`);
      return body.result as never;
    },
  };

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timeout = new Promise<void>((r) => setTimeout(r, 15_000));
      await Promise.race([exited, timeout]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return { server, stop };
}

export const test = base.extend<object, { app: AppServer }>({
  app: [
    async ({}, use) => {
      const { server, stop } = await startServer();
      try {
        await use(server);
      } finally {
        await stop();
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

export { expect };

/** Save a full-page screenshot under test-results/screens/<name>.png (kept as an artifact). */
export async function screen(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name}.png`);
  // Let charts finish their first paint.
  await page.waitForTimeout(250);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

/** Click something that starts a download; return the suggested file name and the bytes. */
export async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const d = dl as Download;
  const file = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(file) };
}

/** The app's own CSV reader (unit-tested in src/renderer/src/composables), reused to read exported files. */
export { parseCsv } from '../../src/renderer/src/composables/csv';
