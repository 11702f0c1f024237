// Playwright config for the Electron launch test alone: `npx playwright test -c test/electron`.
// (The renderer's browser e2e tests in test/e2e have their own config.)
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 90_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});
