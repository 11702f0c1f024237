// Builds the Node bundles (trainer worker, CLI, browser-mode server) once before the suite, so tests
// exercise the same worker file the app and the CLI use.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-node.mjs')], { stdio: 'inherit', cwd: root });
}
