#!/usr/bin/env node
// Thin launcher: the CLI is bundled into out/node by `npm run build:node` (run automatically by `npm ci`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../out/node/cli.js');
if (!existsSync(cli)) {
  console.error('ticketlab: the CLI is not built yet. Run `npm run build:node` in the project folder.');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
