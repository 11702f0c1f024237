#!/usr/bin/env node
// `npm start`: build whatever is out of date, then open Ticket Lab in Electron when it can run here
// (the Electron binary is on disk and there is a display), otherwise in browser mode, saying why.
//
//   npm start [-- --browser] [-- --port N] [-- --db FILE] [-- --workers N] [-- --rebuild]
//
// This script never downloads anything: it does not `require('electron')` (which downloads the binary
// on first use); it looks for the binary itself. Get it with `npm run fetch-electron` where there is internet.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);

const USAGE = `Usage: npm start -- [options]

Opens Ticket Lab: in Electron when its binary is installed and a display is available, otherwise in
browser mode (a local server on 127.0.0.1 whose URL, with its access token, is printed).

Options:
  --browser       use browser mode even if Electron could run
  --port N        browser mode: TCP port (default: a free one)
  --db FILE       run store (SQLite) to open
  --workers N     trainer worker threads (default: one per core)
  --rebuild       build even if out/ looks up to date
  -h, --help      show this help`;

/** Inputs and outputs of the two builds; a build runs when an output is missing or older than an input. */
const BUILDS = [
  {
    name: 'Node bundles (CLI, trainer worker, browser-mode server)',
    command: [process.execPath, at('scripts/build-node.mjs')],
    inputs: ['src/common', 'src/main', 'bench', 'scripts/build-node.mjs', 'package.json'],
    outputs: ['out/node/server.js', 'out/node/worker.js'],
  },
  {
    name: 'Electron app and renderer (electron-vite)',
    command: [process.execPath, at('node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    inputs: ['src', 'electron.vite.config.ts', 'package.json'],
    outputs: ['out/main/index.js', 'out/main/worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
  },
];

function parseCommandLine(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      browser: { type: 'boolean' },
      port: { type: 'string' },
      db: { type: 'string' },
      workers: { type: 'string' },
      rebuild: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  return values;
}

/** Newest modification time under `rel` (a file or a folder, walked recursively); 0 if absent. */
function newestMtime(rel) {
  const full = at(rel);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(rel, entry.name)));
  }
  return newest;
}

/** Why a build must run, or null when its outputs are all newer than its inputs. */
function staleReason(build) {
  const outputTimes = build.outputs.map((o) => statSync(at(o), { throwIfNoEntry: false })?.mtimeMs);
  const missing = build.outputs.filter((_, i) => outputTimes[i] === undefined);
  if (missing.length) return `${missing.join(', ')} missing`;
  const oldestOutput = Math.min(...outputTimes);
  const newestInput = Math.max(...build.inputs.map(newestMtime));
  return newestInput > oldestOutput ? 'sources changed since the last build' : null;
}

function runBuilds(force) {
  for (const build of BUILDS) {
    const reason = force ? '--rebuild' : staleReason(build);
    if (!reason) continue;
    console.log(`ticketlab: building the ${build.name} (${reason})…`);
    const result = spawnSync(build.command[0], build.command.slice(1), { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(`ticketlab: the build failed (${build.command.slice(1).join(' ')}); fix the errors above and run \`npm start\` again.`);
      process.exit(result.status ?? 1);
    }
  }
}

/**
 * The Electron executable if it is on disk, without asking the electron package (which would download
 * it). Mirrors node_modules/electron/index.js: dist/<path.txt>, or ELECTRON_OVERRIDE_DIST_PATH.
 */
function findElectron() {
  const pkgDir = at('node_modules/electron');
  const notPresent = 'Electron binary not present (run `npm run fetch-electron` on a machine with internet)';
  if (!existsSync(path.join(pkgDir, 'package.json'))) return { ok: false, reason: 'the electron package is not installed' };
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const exe = path.join(override, relative || 'electron');
    return existsSync(exe) ? { ok: true, path: exe } : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${path.basename(exe)}` };
  }
  if (!relative) return { ok: false, reason: notPresent };
  const exe = path.join(pkgDir, 'dist', relative);
  return existsSync(exe) ? { ok: true, path: exe } : { ok: false, reason: notPresent };
}

/** On Linux, Electron needs an X11 or Wayland display. */
function displayProblem() {
  if (process.platform !== 'linux') return null;
  return process.env.DISPLAY || process.env.WAYLAND_DISPLAY ? null : 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
}

function appArgs(opts) {
  return [...(opts.db ? ['--db', path.resolve(opts.db)] : []), ...(opts.workers ? ['--workers', opts.workers] : [])];
}

/** Run the browser-mode server in this process (it handles SIGINT/SIGTERM and exits itself). */
async function startBrowserMode(opts, why) {
  console.log(`ticketlab: starting browser mode: ${why}.`);
  const server = at('out/node/server.js');
  process.argv = [process.argv[0], server, ...appArgs(opts), ...(opts.port ? ['--port', opts.port] : [])];
  await import(pathToFileURL(server).href);
}

/**
 * Launch Electron on the built app. Resolves with its exit code; `early` is true when it failed within
 * the first seconds (a sandbox or GPU problem, say), in which case we fall back to browser mode.
 */
function startElectron(exe, opts) {
  const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
  const started = Date.now();
  const child = spawn(exe, [root, ...appArgs(opts)], { cwd: root, stdio: 'inherit', env });
  // Ctrl+C reaches Electron directly (same process group); forward what is sent to us alone.
  const forward = (signal) => child.kill(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    const done = (result) => {
      for (const signal of signals) process.off(signal, forward);
      resolve(result);
    };
    child.on('error', (err) => done({ code: 1, early: true, message: err.message }));
    child.on('exit', (code, signal) =>
      done({
        code: code ?? 1,
        early: Date.now() - started < 10_000 && code !== 0 && !signal,
        message: signal ? `signal ${signal}` : `exit code ${code}`,
      }),
    );
  });
}

async function main() {
  let opts;
  try {
    opts = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    console.error(`ticketlab: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  runBuilds(opts.rebuild ?? false);

  if (opts.browser) return startBrowserMode(opts, '--browser given');
  const electron = findElectron();
  if (!electron.ok) return startBrowserMode(opts, electron.reason);
  const noDisplay = displayProblem();
  if (noDisplay) return startBrowserMode(opts, noDisplay);
  if (opts.port) console.log('ticketlab: --port applies to browser mode only; ignored.');

  console.log('ticketlab: starting the Electron app…');
  const result = await startElectron(electron.path, opts);
  if (result.early) {
    return startBrowserMode(opts, `Electron stopped right after starting (${result.message}); see its messages above`);
  }
  process.exit(result.code);
}

main().catch((err) => {
  console.error(`ticketlab: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
