#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .native-electron/better_sqlite3.node. The Electron main
// process passes that file to better-sqlite3 as `nativeBinding` (src/main/index.ts); the CLI, tests and
// browser mode keep using node_modules/better-sqlite3/build, which this script never touches: it
// compiles a copy of the package's sources in .native-electron/build/.
//
//   node scripts/build-electron-sqlite.mjs [--headers DIR] [--keep]
//
// Needs a C++ toolchain and Electron's headers: downloaded from https://electronjs.org/headers (then
// cached by node-gyp), or an unpacked node-v<electron>-headers folder given with --headers.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(root, '.native-electron');
const WORK_DIR = path.join(OUT_DIR, 'build');
const TARGET = path.join(OUT_DIR, 'better_sqlite3.node');
const DIST_URL = 'https://electronjs.org/headers';
const PROBE_TIMEOUT_MS = 15_000;

const USAGE = `Usage: node scripts/build-electron-sqlite.mjs [--headers DIR] [--keep]

Compiles better-sqlite3 for the installed Electron into .native-electron/better_sqlite3.node.
  --headers DIR  use unpacked Electron headers (node-v<version>-headers) instead of downloading them
  --keep         keep the build folder (.native-electron/build) for a faster rebuild
  -h, --help     show this help`;

function fail(message) {
  console.error(`build-electron-sqlite: ${message}`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** node-gyp: the one npm runs scripts with, a project copy, or the one bundled with npm. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    (() => {
      try {
        return createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
      } catch {
        return undefined;
      }
    })(),
    path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

/** node-gyp keeps downloaded headers in its dev dir; a cached copy means no download is needed. */
function headersCached(version) {
  const cacheRoots = [
    process.env.npm_config_devdir,
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'node-gyp'),
    path.join(os.homedir(), 'Library', 'Caches', 'node-gyp'),
    process.env.LOCALAPPDATA && path.join(process.env.LOCALAPPDATA, 'node-gyp', 'Cache'),
  ].filter(Boolean);
  return cacheRoots.some((dir) => existsSync(path.join(dir, version, 'include', 'node', 'node.h')));
}

/** Can we reach the headers download? Answers with null (yes) or the reason why not. */
async function probeHeaders(version) {
  const url = `${DIST_URL}/v${version}/node-v${version}-headers.tar.gz`;
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return res.ok ? null : `${url} answered HTTP ${res.status}`;
  } catch (err) {
    const cause = err?.cause?.code ?? err?.cause?.message ?? err?.name ?? String(err);
    return `cannot download ${url} (${cause})`;
  }
}

async function main() {
  let opts;
  try {
    ({ values: opts } = parseArgs({
      options: { headers: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    fail(`${err.message}\n\n${USAGE}`);
  }
  if (opts.help) return console.log(USAGE);

  const electronPkg = path.join(root, 'node_modules/electron/package.json');
  const sqliteDir = path.join(root, 'node_modules/better-sqlite3');
  if (!existsSync(electronPkg)) fail('node_modules/electron is missing: run `npm ci` first.');
  if (!existsSync(path.join(sqliteDir, 'binding.gyp'))) fail('node_modules/better-sqlite3 (with binding.gyp) is missing: run `npm ci` first.');
  const electronVersion = readJson(electronPkg).version;
  const abiFile = path.join(root, 'node_modules/electron/abi_version');
  const abi = existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : null;
  const sqliteVersion = readJson(path.join(sqliteDir, 'package.json')).version;

  const nodeGyp = findNodeGyp();
  if (!nodeGyp) fail('node-gyp not found (it ships with npm; or install it with `npm i -g node-gyp`).');

  let headersArgs;
  if (opts.headers) {
    const dir = path.resolve(opts.headers);
    if (!existsSync(path.join(dir, 'include', 'node', 'node.h'))) fail(`${dir} does not look like Electron headers (no include/node/node.h).`);
    headersArgs = [`--nodedir=${dir}`];
  } else {
    if (!headersCached(electronVersion)) {
      const problem = await probeHeaders(electronVersion);
      if (problem) {
        fail(
          [
            `Electron ${electronVersion}'s headers are needed to compile better-sqlite3 for Electron, and ${problem}.`,
            'Run this script on a machine with internet access, or download',
            `  ${DIST_URL}/v${electronVersion}/node-v${electronVersion}-headers.tar.gz`,
            'elsewhere, unpack it, and pass the folder: node scripts/build-electron-sqlite.mjs --headers <folder>.',
            'Until then, use browser mode: npm start -- --browser',
          ].join('\n'),
        );
      }
    }
    headersArgs = [`--dist-url=${DIST_URL}`];
  }

  // A fresh copy of the package sources (never node_modules/better-sqlite3/build).
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  const copy = path.join(WORK_DIR, 'better-sqlite3');
  for (const part of ['binding.gyp', 'package.json', 'src', 'deps']) {
    cpSync(path.join(sqliteDir, part), path.join(copy, part), { recursive: true });
  }

  console.log(`build-electron-sqlite: compiling better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi ?? '?'})…`);
  // npm passes its config to scripts as npm_config_* variables, and node-gyp obeys them: a `nodedir`
  // pointing at Node's headers (common in .npmrc) would silently build for the wrong ABI. Drop them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(nodedir|target|runtime|dist_url|arch)$/i.test(k)));
  const args = [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, ...headersArgs, '--jobs=max'];
  const result = spawnSync(process.execPath, args, { cwd: copy, stdio: 'inherit', env });
  if (result.status !== 0) {
    fail(`node-gyp failed (exit ${result.status ?? result.signal}); see its output above. node_modules/better-sqlite3 was not changed.`);
  }
  const built = path.join(copy, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) fail(`node-gyp succeeded but ${built} is missing.`);

  const partial = `${TARGET}.partial`;
  copyFileSync(built, partial);
  renameSync(partial, TARGET);
  writeFileSync(
    path.join(OUT_DIR, 'build-info.json'),
    `${JSON.stringify({ electron: electronVersion, abi, betterSqlite3: sqliteVersion, arch: process.arch, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  if (!opts.keep) rmSync(WORK_DIR, { recursive: true, force: true });
  console.log(`build-electron-sqlite: wrote ${path.relative(root, TARGET)}; the Electron app will use it.`);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
