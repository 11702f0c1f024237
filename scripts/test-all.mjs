// `npm test`: every check in one command — lint, type-check, unit + integration (vitest), build,
// end-to-end in browser mode (Playwright + Debian's Chromium), and the Electron launch test (skips
// itself where the Electron binary is absent). Ends with one line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });
const only = process.argv.slice(2);
const bin = (name) => path.join(root, 'node_modules/.bin', name);

const steps = [
  { id: 'lint', cmd: [bin('eslint'), '.'] },
  { id: 'typecheck', cmd: [bin('tsc'), '--noEmit', '-p', 'tsconfig.json'] },
  { id: 'typecheck-renderer', cmd: [bin('vue-tsc'), '--noEmit', '-p', 'tsconfig.web.json'] },
  {
    id: 'vitest',
    cmd: [bin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(results, 'vitest.json')}`],
    counts: () => {
      const j = JSON.parse(readFileSync(path.join(results, 'vitest.json'), 'utf8'));
      return { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + (j.numTodoTests ?? 0) };
    },
  },
  { id: 'build', cmd: [process.execPath, 'scripts/build-node.mjs'], then: [bin('electron-vite'), 'build'] },
  {
    id: 'e2e',
    cmd: [bin('playwright'), 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(results, 'playwright.json'), E2E_SKIP_BUILD: '1' },
    counts: () => {
      const j = JSON.parse(readFileSync(path.join(results, 'playwright.json'), 'utf8'));
      const s = j.stats ?? {};
      return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: (s.unexpected ?? 0), skipped: s.skipped ?? 0 };
    },
  },
  {
    id: 'electron',
    cmd: [bin('playwright'), 'test', '-c', 'test/electron', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(results, 'electron.json') },
    counts: () => {
      const j = JSON.parse(readFileSync(path.join(results, 'electron.json'), 'utf8'));
      const s = j.stats ?? {};
      return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
    },
  },
];

const total = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
for (const step of steps) {
  if (only.length && !only.includes(step.id)) continue;
  process.stdout.write(`\n=== ${step.id} ===\n`);
  const run = (cmd) => spawnSync(cmd[0], cmd.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...(step.env ?? {}) } });
  let r = run(step.cmd);
  if (r.status === 0 && step.then) r = run(step.then);
  let counted = false;
  if (step.counts) {
    try {
      const c = step.counts();
      total.passed += c.passed;
      total.failed += c.failed;
      total.skipped += c.skipped;
      counted = true;
    } catch {
      /* no report written: count the step itself below */
    }
  }
  if (r.status !== 0) {
    failedSteps.push(step.id);
    if (!counted) total.failed += 1;
  } else if (!counted) total.passed += 1;
}
process.stdout.write(`\n${failedSteps.length ? `failed steps: ${failedSteps.join(', ')}` : 'all steps passed'}\n`);
process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(failedSteps.length ? 1 : 0);
