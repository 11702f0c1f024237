// The main user journey, end to end against the real app in browser mode (real trainer, real store):
// a new user sets up a run with the "Quick look" preset (made tiny for speed in the wizard's own fields),
// watches it train, reads the result chart, exports PNG and CSV and checks them, cancels a second run,
// reloads, and finds both runs with their true states.
import { test, expect, screen, download, parseCsv } from './fixtures';
import type { Page } from '@playwright/test';

const ROUNDS = 4;
const ITERATIONS = 200;
/** The light theme's accuracy series colour (src/renderer/src/lib/chart-options.ts SERIES_COLORS). */
const ACCURACY_RGB: [number, number, number] = [0x1f, 0x6f, 0xeb];

async function nextStep(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: `Next: ${title}` }).click();
  await expect(page.getByTestId('step-title')).toHaveText(title);
}

test.describe.configure({ mode: 'serial' });

test('a new user runs a quick lottery-ticket study, exports its chart, cancels a second run, and reloads', async ({ page, app }) => {
  test.setTimeout(6 * 60_000);
  await page.goto(app.url);

  // ---------- Home, first visit ----------
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  await expect(page.getByText('No runs yet.')).toBeVisible();
  await screen(page, '01-home-empty');

  // ---------- Wizard with the quick preset ----------
  await page.getByRole('button', { name: 'Start your first experiment' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New experiment' })).toBeVisible();
  await page.locator('[data-preset="quick"]').click();
  await expect(page.getByTestId('step-title')).toHaveText('Dataset');
  await expect(page.locator('[data-choice="mnist"]')).toHaveClass(/selected/);

  // Advanced: a small training subset keeps the test fast.
  await page.getByText('Advanced: use part of the data').click();
  await page.getByLabel('Training images').fill('2000');
  await page.getByLabel('Test images').fill('1000');
  await screen(page, '02-wizard-dataset');

  await nextStep(page, 'Network');
  await expect(page.locator('[data-choice="fc"]')).toHaveClass(/selected/);

  await nextStep(page, 'Pruning schedule');
  await page.getByLabel('Rounds', { exact: true }).fill(String(ROUNDS));
  // The schedule preview follows: FC keeps 80.0 % after one round, 51.3 % after three (SCIENCE.md §1).
  const schedule = page.getByRole('table').filter({ has: page.locator('tr[data-round]') });
  await expect(schedule.locator('tr[data-round]')).toHaveCount(ROUNDS);
  await expect(schedule.locator('tr[data-round="1"]')).toContainText('80.0%');
  await expect(schedule.locator('tr[data-round="3"]')).toContainText('51.3%');
  await screen(page, '03-wizard-schedule');

  await nextStep(page, 'Mask criterion');
  await expect(page.locator('[data-choice="large_final"]')).toHaveClass(/selected/);
  await screen(page, '04-wizard-criterion');
  await nextStep(page, 'Mask-1 action');
  await nextStep(page, 'Mask-0 action');
  await nextStep(page, 'Training');

  // 200 iterations with the preset's evaluation every 500: the field says what is wrong, the step is marked.
  await page.getByLabel('Iterations per round').fill(String(ITERATIONS));
  const evalField = page.locator('[data-field="training.evalEvery"]');
  await expect(evalField.getByRole('alert')).toContainText('Must be at most the iterations per round (200)');
  await expect(page.locator('[data-step="training"]')).toHaveClass(/error/);
  await screen(page, '05-wizard-training-error');
  await page.getByLabel('Evaluate every').fill('50');
  await expect(evalField.getByRole('alert')).toHaveCount(0);
  await expect(page.locator('[data-step="training"]')).not.toHaveClass(/error/);

  await nextStep(page, 'Seed & backend');
  await nextStep(page, 'Review & start');
  await expect(page.getByTestId('review-run-id')).toHaveText(/^[0-9a-f]{8,64}$/);
  await expect(page.getByTestId('review-estimate')).toContainText('≈');
  const specJson = JSON.parse(await page.getByLabel('Run spec as JSON').innerText());
  expect(specJson.training).toMatchObject({ iterations: ITERATIONS, evalEvery: 50 });
  expect(specJson.dataset).toMatchObject({ id: 'mnist', trainLimit: 2000, testLimit: 1000 });
  expect(specJson.pruning.rounds).toBe(ROUNDS);
  await screen(page, '06-wizard-review', { fullPage: true });

  await page.locator('[data-action="start"]').click();

  // ---------- Run view: live progress ----------
  const run = page.locator('section.run-view');
  await expect(run).toHaveAttribute('data-run-id', /^[0-9a-f]+$/);
  const runId = (await run.getAttribute('data-run-id'))!;
  await expect(run).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  // Progress moves: the live counters change as progress events arrive, and so does the loss curve.
  const iteration = page.getByTestId('live-iteration');
  await expect(iteration).toHaveText(/\d+ \/ 200/, { timeout: 30_000 });
  const first = `${await page.getByTestId('live-round').innerText()} ${await iteration.innerText()}`;
  await expect
    .poll(async () => `${await page.getByTestId('live-round').innerText()} ${await iteration.innerText()}`, { timeout: 30_000 })
    .not.toBe(first);
  await expect(page.getByTestId('chart-loss').locator('canvas').first()).toBeVisible();
  await screen(page, '07-run-live');

  // ---------- Completed: result chart, table ----------
  await expect(run).toHaveAttribute('data-status', 'completed', { timeout: 4 * 60_000 });
  await expect(page.getByTestId('rounds-table').locator('tbody tr')).toHaveCount(ROUNDS);
  const accChart = page.getByTestId('chart-accuracy');
  await expect(accChart.locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('backend-used')).not.toHaveText('not started yet');
  await screen(page, '08-run-completed');
  await screen(page, '09-run-completed-full', { fullPage: true });

  const detail = await app.call('runs.get', { id: runId });
  expect(detail.summary.status).toBe('completed');
  expect(detail.rounds).toHaveLength(ROUNDS);

  // ---------- Save CSV: exactly the plotted data, equal to runs.get ----------
  const csv = await download(page, () => accChart.getByRole('button', { name: /Save CSV/ }).click());
  expect(csv.name).toMatch(/\.csv$/);
  const rows = parseCsv(csv.bytes.toString('utf8'));
  expect(rows[0]).toEqual(['round', 'percent_remaining', 'test_accuracy_at_early_stop']);
  const body = rows.slice(1);
  expect(body).toHaveLength(ROUNDS); // one plotted point per round
  const rounds = [...detail.rounds].sort((a, b) => a.round - b.round);
  body.forEach((r, i) => {
    expect(Number(r[0])).toBe(rounds[i].round);
    expect(Number(r[1])).toBe(rounds[i].percentRemaining);
    expect(Number(r[2])).toBe(rounds[i].earlyStopTestAccuracy);
  });
  // 100 % on the first round, falling after that.
  expect(Number(body[0][1])).toBe(100);
  expect(Number(body[1][1])).toBeLessThan(100);

  // ---------- Save PNG: decode in the page, look for the series colour inside the plot area ----------
  const png = await download(page, () => accChart.getByRole('button', { name: /Save PNG/ }).click());
  expect(png.name).toMatch(/\.png$/);
  expect(png.bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  const box = (await accChart.locator('canvas').first().boundingBox())!;
  const analysis = await page.evaluate(
    async ({ b64, rgb }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
      // Plot area: the chart's grid (left 72, right 24, top 20, bottom 48 CSS px) at pixel ratio 2.
      const s = 2; // the export uses pixelRatio 2
      const x0 = Math.round(72 * s);
      const x1 = width - Math.round(24 * s);
      const y0 = Math.round(20 * s);
      const y1 = height - Math.round(48 * s);
      let series = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * width + x) * 4;
          const d = Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]);
          if (d < 40 && data[i + 3] > 200) series++;
        }
      }
      const corner = Array.from(data.slice(0, 4));
      return { width, height, series, corner };
    },
    { b64: png.bytes.toString('base64'), rgb: ACCURACY_RGB },
  );
  expect(analysis.width).toBe(Math.round(box.width) * 2);
  expect(analysis.corner).toEqual([255, 255, 255, 255]); // exported on white in the light theme
  expect(analysis.series).toBeGreaterThan(200); // points and line of the series colour inside the plot

  // ---------- A second run, cancelled while it trains ----------
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New experiment' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New experiment' })).toBeVisible();
  await page.locator('[data-step="training"]').click();
  await expect(page.getByLabel('Iterations per round')).toHaveValue('200');
  await page.getByLabel('Iterations per round').fill('5000');
  await page.getByLabel('Evaluate every').fill('500');
  await page.locator('[data-step="seed"]').click();
  await page.getByLabel('Seed').fill('1');
  await page.locator('[data-step="review"]').click();
  await page.getByLabel('Name (optional)').fill('Run to cancel');
  await expect(page.getByTestId('review-run-id')).not.toHaveText(runId);
  await expect(page.getByTestId('review-run-id')).toHaveText(/^[0-9a-f]{8,64}$/);
  await page.locator('[data-action="start"]').click();

  await expect(run).toHaveAttribute('data-run-id', /^[0-9a-f]+$/);
  const secondId = (await run.getAttribute('data-run-id'))!;
  expect(secondId).not.toBe(runId);
  await expect(run).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(page.getByTestId('live-iteration')).toHaveText(/\d[\d,]* \/ 5,000/, { timeout: 60_000 });
  await screen(page, '10-second-run-live');
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(run).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();

  // ---------- Reload: both runs, true states ----------
  await page.goto(`${app.origin}/#/`);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  const table = page.locator('.runs-table');
  await expect(table.locator(`tr[data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'completed');
  await expect(table.locator(`tr[data-run-id="${secondId}"]`)).toHaveAttribute('data-status', 'cancelled');
  await expect(table.locator(`tr[data-run-id="${secondId}"]`)).toContainText('Run to cancel');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  const list = await app.call('runs.list', {});
  expect(Object.fromEntries(list.map((r) => [r.id, r.status]))).toEqual({ [runId]: 'completed', [secondId]: 'cancelled' });
  await screen(page, '11-home-after-reload');

  // The completed run opens from the list with its chart, in the dark theme too.
  await table.locator(`tr[data-run-id="${runId}"] a`).click();
  await expect(run).toHaveAttribute('data-status', 'completed');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.getByTestId('rounds-table').locator('tbody tr')).toHaveCount(ROUNDS);
  await screen(page, '12-run-completed-dark');
  await page.locator('[data-run-id] a.back').click();
  await screen(page, '13-home-dark');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New experiment' }).click();
  await page.locator('[data-step="schedule"]').click();
  await screen(page, '14-wizard-dark');
});
