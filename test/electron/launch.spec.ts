// Launches the built Electron app with Playwright and checks the platform promises: one 1280×800
// window, a sandboxed and context-isolated renderer without Node, `window.api` with exactly call + on,
// the contract over IPC (including rejections), the CSP, and blocked navigation, popups and remote
// requests. Where Electron cannot run (no binary, no display, better-sqlite3 not built for Electron)
// the tests are reported as skipped, with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { Api } from '../../src/common/contract';

declare global {
  interface Window {
    api?: Api;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The Electron executable, found without `require('electron')` (which would download it). */
function electronBinary(): { path: string } | { skip: string } {
  const pkg = path.join(root, 'node_modules/electron');
  const pathFile = path.join(pkg, 'path.txt');
  const fetchHint = 'Electron binary not present (run `npm run fetch-electron` on a machine with internet)';
  if (!existsSync(pathFile)) return { skip: fetchHint };
  const exe = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? { path: exe } : { skip: fetchHint };
}

function skipReason(): string | null {
  const binary = electronBinary();
  if ('skip' in binary) return binary.skip;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display (set DISPLAY or WAYLAND_DISPLAY, or run under xvfb-run)';
  }
  if (!existsSync(path.join(root, '.native-electron/better_sqlite3.node'))) {
    return 'better-sqlite3 is not built for Electron (run `node scripts/build-electron-sqlite.mjs`)';
  }
  return null;
}

const reason = skipReason();
if (reason) console.log(`test/electron: skipped: ${reason}`);

test.describe('Electron app', () => {
  test.skip(reason !== null, reason ?? '');

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  test.beforeAll(async () => {
    const outputs = ['out/main/index.js', 'out/main/worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
    if (outputs.some((o) => !existsSync(path.join(root, o)))) {
      const build = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
        cwd: root,
        stdio: 'inherit',
      });
      expect(build.status, 'electron-vite build').toBe(0);
    }
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketlab-electron-'));
    app = await electron.launch({
      executablePath: (electronBinary() as { path: string }).path,
      args: [root, '--db', path.join(dataDir, 'runs.sqlite'), '--workers', '1'],
      cwd: root,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens one 1280×800 window titled Ticket Lab from the built renderer', async () => {
    expect(app.windows()).toHaveLength(1);
    const size = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getSize());
    expect(size).toEqual([1280, 800]);
    expect(await page.title()).toBe('Ticket Lab');
    expect(page.url()).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html/);
    expect(await app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('system');
  });

  test('runs the renderer sandboxed, isolated and without Node', async () => {
    // app.enableSandbox() forces every renderer into Electron's sandbox; it shows as a command-line switch.
    expect(await app.evaluate(({ app: electronApp }) => electronApp.commandLine.hasSwitch('enable-sandbox'))).toBe(true);
    // contextBridge only works with context isolation on: window.api existing proves it.
    const globals = await page.evaluate(() => [
      typeof (window as unknown as { require?: unknown }).require,
      typeof (window as unknown as { process?: unknown }).process,
      typeof (window as unknown as { module?: unknown }).module,
    ]);
    expect(globals).toEqual(['undefined', 'undefined', 'undefined']);
    expect(await page.evaluate(() => Object.keys(window.api ?? {}).sort())).toEqual(['call', 'on']);
  });

  test('answers the contract over IPC and rejects bad calls with contract errors', async () => {
    const info = await page.evaluate(() => window.api!.call('app.info', {}));
    expect(info.mode).toBe('electron');
    expect(info.dbPath).toContain('ticketlab-electron-');
    const invalid = await page.evaluate(() =>
      window.api!.call('runs.get', { id: 'zz' }).then(
        () => null,
        (e: { code: string; message: string }) => e,
      ),
    );
    expect(invalid).toMatchObject({ code: 'invalid_request' });
    expect(invalid!.message).toContain('"runs.get"');
    const unknown = await page.evaluate(() =>
      (window.api!.call as (c: string, r: unknown) => Promise<unknown>)('no.such', {}).then(
        () => null,
        (e: { code: string }) => e.code,
      ),
    );
    expect(unknown).toBe('unknown_channel');
    const missing = await page.evaluate(() =>
      window.api!.call('runs.get', { id: 'abcdef0123' }).then(
        () => null,
        (e: { code: string; message: string }) => e,
      ),
    );
    expect(missing?.code).toBe('not_found');
    expect(missing?.message).not.toMatch(/\n\s+at\s/);
  });

  test('enforces the CSP: no inline scripts, no remote requests', async () => {
    const inline = await page.evaluate(async () => {
      const w = window as unknown as { __inlineRan?: boolean };
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 100));
      return w.__inlineRan === true;
    });
    expect(inline).toBe(false);
    const remote = await page.evaluate(() =>
      fetch('https://example.com/').then(
        () => 'loaded',
        () => 'blocked',
      ),
    );
    expect(remote).toBe('blocked');
  });

  test('blocks navigation away from the app and new windows', async () => {
    const before = page.url();
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  });
});
