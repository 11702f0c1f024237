// Playwright e2e: the built app in browser mode (out/node/server.js serving out/renderer), driven by
// Debian's Chromium. Never `npx playwright install`: the browser comes from the system.
//
// Browser mode prints a fresh access token on every launch (there is no fixed-token option), so the
// tests start the server themselves (test/e2e/fixtures.ts) and read the URL it prints, rather than
// using Playwright's `webServer`. test/e2e/global-setup.ts builds the server and the renderer first
// (set E2E_SKIP_BUILD=1 to reuse an existing build).
import { execSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';

/** Debian's Chromium: `command -v chromium`, or CHROMIUM_PATH. */
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execSync('command -v chromium', { shell: '/bin/sh', encoding: 'utf8' }).trim() || '/usr/bin/chromium';
  } catch {
    return '/usr/bin/chromium';
  }
}

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  // Runs train for real on 2 CPU cores: one spec file at a time, generous per-test limit.
  workers: 1,
  fullyParallel: false,
  timeout: 5 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
});
