// Electron entry (built by electron-vite into out/main/index.js). Opens the app services, registers the
// contract's IPC transport, and shows one hardened window: sandboxed, context-isolated renderer without
// Node, a strict CSP, no remote content, no navigation, no new windows.
//
//   electron . [--db FILE] [--workers N]      (`npm start` does this when Electron and a display exist)
import { app, BrowserWindow, dialog, nativeTheme, session } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServices, type AppServices } from './app/services';
import { forwardEvents, registerIpc } from './transport/electron-ipc';
import { hardenSession, hardenWebContents, isRendererUrl, type RendererSource } from './transport/electron-security';
import { contentSecurityPolicy } from './transport/security';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Built preload (CommonJS: sandboxed preloads cannot be ES modules). */
const PRELOAD = path.join(here, '../preload/index.cjs');
/** better-sqlite3 compiled for Electron's ABI by scripts/build-electron-sqlite.mjs (never in node_modules). */
const ELECTRON_SQLITE = path.join(app.getAppPath(), '.native-electron', 'better_sqlite3.node');
const SHUTDOWN_TIMEOUT_MS = 15_000;
/** Window background while the renderer loads, matching Naive UI's light and dark themes. */
const BACKGROUND = { light: '#f5f6f8', dark: '#101014' } as const;

/** The renderer: electron-vite's dev server in `electron-vite dev`, the built files otherwise. */
const rendererSource: RendererSource =
  !app.isPackaged && process.env.ELECTRON_RENDERER_URL
    ? { kind: 'dev', url: process.env.ELECTRON_RENDERER_URL }
    : { kind: 'file', dir: path.join(here, '../renderer') };

/** `--name value` or `--name=value` anywhere in argv (Electron's argv also holds its own switches). */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

function backgroundColor(): string {
  return nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Ticket Lab',
    backgroundColor: backgroundColor(),
    // The OS title bar everywhere: the renderer then needs no platform-specific drag regions or insets.
    titleBarStyle: 'default',
    autoHideMenuBar: process.platform !== 'darwin',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-fail-load', (_event, code, description, url) => {
    console.error(`ticketlab: the window failed to load ${url}: ${description} (${code})`);
    win.show();
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    console.error(`ticketlab: renderer process gone (${details.reason}, exit code ${details.exitCode})`);
  });
  const loading = rendererSource.kind === 'dev' ? win.loadURL(rendererSource.url) : win.loadFile(path.join(rendererSource.dir, 'index.html'));
  loading.catch((err: unknown) => console.error(`ticketlab: could not load the renderer: ${String(err)}`));
  return win;
}

/**
 * The Electron build of better-sqlite3 if it exists and was built for this Electron version (its
 * build-info.json says which); otherwise undefined, and opening the store explains what to run.
 */
function electronSqliteBinding(): string | undefined {
  if (!existsSync(ELECTRON_SQLITE)) return undefined;
  const info = path.join(path.dirname(ELECTRON_SQLITE), 'build-info.json');
  try {
    const builtFor = (JSON.parse(readFileSync(info, 'utf8')) as { electron?: unknown }).electron;
    if (builtFor !== process.versions.electron) {
      console.warn(`ticketlab: ${ELECTRON_SQLITE} was built for Electron ${String(builtFor)}, this is ${process.versions.electron}; rebuild it.`);
      return undefined;
    }
  } catch {
    // No build info (built by hand): try it; a mismatch fails with a clear NODE_MODULE_VERSION error.
  }
  return ELECTRON_SQLITE;
}

/** Open the services; on failure explain (most often: better-sqlite3 not built for Electron) and quit. */
async function openServices(): Promise<AppServices | null> {
  const db = flagValue(process.argv, 'db');
  const workers = Number(flagValue(process.argv, 'workers'));
  const nativeBinding = electronSqliteBinding();
  try {
    return await createAppServices({
      mode: 'electron',
      version: app.getVersion(),
      ...(db ? { dbPath: path.resolve(db) } : {}),
      ...(Number.isInteger(workers) && workers > 0 ? { workers } : {}),
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const hint =
      !nativeBinding && /NODE_MODULE_VERSION|better_sqlite3|better-sqlite3/i.test(message)
        ? '\n\nbetter-sqlite3 has not been built for Electron. Run `node scripts/build-electron-sqlite.mjs` ' +
          '(needs internet access for the Electron headers), or use browser mode: `npm start -- --browser`.'
        : '';
    console.error(`ticketlab: could not open the app services: ${err instanceof Error ? err.stack : message}`);
    dialog.showErrorBox('Ticket Lab could not start', `${message}${hint}`);
    return null;
  }
}

/** Close the services once, before Electron quits (runs are marked interrupted or finish their write). */
function closeServicesOnQuit(services: AppServices, cleanup: () => void): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    cleanup();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS));
    Promise.race([services.close(), timeout])
      .catch((err: unknown) => console.error(`ticketlab: error while closing the services: ${String(err)}`))
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}

async function start(): Promise<void> {
  nativeTheme.themeSource = 'system';
  nativeTheme.on('updated', () => {
    for (const win of BrowserWindow.getAllWindows()) win.setBackgroundColor(backgroundColor());
  });
  hardenSession(session.defaultSession, rendererSource, contentSecurityPolicy({ header: true }));

  const services = await openServices();
  if (!services) {
    app.exit(1);
    return;
  }
  const disposeIpc = registerIpc({ services, isTrustedUrl: (url) => isRendererUrl(rendererSource, url) });
  const stopEvents = forwardEvents(services, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  closeServicesOnQuit(services, () => {
    stopEvents();
    disposeIpc();
  });

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

// ---------- process-wide setup (before 'ready') ----------

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
// Guards on every webContents as soon as it is created, before it can load anything.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, rendererSource));

// One instance per user: two app instances over the same run store would each resume the other's runs.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error(`ticketlab: startup failed: ${err instanceof Error ? err.stack : String(err)}`);
      app.exit(1);
    });
}
