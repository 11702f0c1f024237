// Interrupted runs: when the app stops while a run trains, the run is marked interrupted; on the next
// start the home screen shows it with a Resume button, and Resume continues it from its last round.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, screen, startServer } from './fixtures';

test('a run interrupted by closing the app shows Resume, and resumes', async ({ page }) => {
  test.setTimeout(3 * 60_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketlab-e2e-resume-'));
  const dbPath = path.join(dir, 'runs.db');
  try {
    // First session: start a run long enough to be mid-way when the app closes.
    const first = await startServer({ dbPath });
    let runId: string;
    try {
      const created = await first.server.call('runs.create', {
        spec: {
          name: 'Interrupted study',
          net: 'fc',
          seed: 7,
          dataset: { id: 'mnist', trainLimit: 1000, testLimit: 500 },
          training: { iterations: 100_000, evalEvery: 1000 },
          pruning: { rounds: 3 },
        },
      });
      runId = created.id;
      await expect.poll(async () => (await first.server.call('runs.get', { id: runId })).summary.status, { timeout: 60_000 }).toBe('running');
    } finally {
      await first.stop(); // SIGTERM: the app closes while the run trains
    }

    // Second session on the same store: the run is interrupted, and the UI offers Resume.
    const second = await startServer({ dbPath });
    try {
      await page.goto(second.server.url);
      const row = page.locator(`.runs-table tr[data-run-id="${runId}"]`);
      await expect(row).toHaveAttribute('data-status', 'interrupted');
      await expect(row.getByRole('button', { name: 'Resume' })).toBeVisible();
      await screen(page, '30-home-interrupted');

      await row.getByRole('link').click();
      const run = page.locator('section.run-view');
      await expect(run).toHaveAttribute('data-status', 'interrupted');
      await expect(page.getByText('This run was interrupted')).toBeVisible();
      await screen(page, '31-run-interrupted');

      await page.getByRole('button', { name: 'Resume' }).click();
      await expect(run).toHaveAttribute('data-status', /queued|running/);
      await expect(run).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel run' }).click();
      await expect(run).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
