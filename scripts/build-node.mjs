// Bundles the Node-side entry points (CLI, trainer worker, browser-mode server, bench) into out/node.
// Runs in `prepare`, so `npx ticketlab` works right after `npm ci`. Dependencies stay external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  cli: 'src/main/cli/index.ts',
  worker: 'src/main/runs/worker.ts',
  server: 'src/main/transport/browser-main.ts',
  bench: 'bench/index.ts',
};
const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, p]) => existsSync(path.join(root, p))).map(([k, p]) => [k, path.join(root, p)]),
);
if (Object.keys(entryPoints).length === 0) process.exit(0);
await build({
  entryPoints,
  outdir: path.join(root, 'out/node'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __tlCreateRequire } from 'node:module'; const require = __tlCreateRequire(import.meta.url);" },
});
