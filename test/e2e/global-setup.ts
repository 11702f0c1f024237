// Build what the e2e tests serve: out/node/server.js (browser mode) and out/renderer (the UI).
// E2E_SKIP_BUILD=1 skips this when a fresh build is already there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default function globalSetup(): void {
  if (process.env.E2E_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, [path.join(root, 'scripts/build-node.mjs')], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  }
  for (const f of ['out/node/server.js', 'out/renderer/index.html']) {
    if (!existsSync(path.join(root, f)))
      throw new Error(`e2e: ${f} is missing; build with \`node scripts/build-node.mjs && npx electron-vite build\``);
  }
}
