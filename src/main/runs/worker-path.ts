// Where the bundled trainer worker lives: beside the running bundle (out/node/worker.js for the CLI and
// browser mode, out/main/worker.js in Electron), or the repo's out/node build when running from sources (tests).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function resolveWorkerPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'worker.js'), path.resolve(here, '../../../out/node/worker.js'), path.resolve(here, '../node/worker.js')];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`trainer worker not built: none of ${candidates.join(', ')} exists. Run \`npm run build:node\`.`);
}
