// Experiments end to end (issue #4), against the real app in browser mode: a user checks that the Z19
// figure presets fill the wizard, then builds a small grid by hand (FC/MNIST, criteria large_final and
// random, 2 seeds, a tiny budget), reads the review (variants × seeds = runs, shared dense trainings,
// estimate), starts it, lands on the experiment view, waits for all 4 runs, and checks the chart (both
// variants' colours and bands in the exported PNG), the chart CSV against experiments.get, the variant
// table, α, the member runs (2 reused a dense training), "Export all runs", Home's Experiments section
// and the dark theme. It starts its own server (own run store), so the runs it trains never show up in
// the other spec files, which share the worker's server.
import { test, expect, screen, download, parseCsv, startServer, type AppServer } from './fixtures';
import type { Page } from '@playwright/test';
import { VARIANT_COLORS, bandGrid, bandOpacity } from '../../src/renderer/src/lib/experiment-chart-options';

const ROUNDS = 3;
const SEEDS = 2;

async function nextStep(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: `Next: ${title}` }).click();
  await expect(page.getByTestId('step-title')).toHaveText(title);
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The band fill of a two-variant chart (the colour at its opacity over white) as the PNG holds it. */
function bandRgb(hex: string): [number, number, number] {
  const a = bandOpacity(2, false);
  return rgb(hex).map((c) => Math.round(255 - a * (255 - c))) as [number, number, number];
}

test.describe.configure({ mode: 'serial' });

test('a user runs a small experiment grid and reads its statistics', async ({ page }) => {
  test.setTimeout(6 * 60_000);
  const { server: app, stop } = await startServer();
  try {
    await journey(page, app);
  } finally {
    await stop();
  }
});

async function journey(page: Page, app: AppServer): Promise<void> {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New experiment' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New experiment' })).toBeVisible();

  // ---------- An experiment preset fills the grid ----------
  await page.locator('[data-preset="z19-fig1-fc-quick"]').click();
  await page.locator('[data-step="criterion"]').click();
  await expect(page.getByTestId('step-title')).toHaveText('Mask criterion');
  await expect(page.locator('[data-compare="criterion"] [role="checkbox"]')).toHaveAttribute('aria-checked', 'true');
  await expect(page.locator('[data-choice].selected')).toHaveCount(9);
  await expect(page.locator('[data-step="criterion"]')).toContainText('×9');
  await expect(page.locator('[data-step="seed"]')).toContainText('×3');
  await screen(page, '40-wizard-preset-fig1');
  // Back to the paper defaults: a single run again.
  await page.getByRole('button', { name: 'Paper defaults' }).click();
  await expect(page.getByTestId('step-title')).toHaveText('Dataset');
  await expect(page.locator('[data-step="criterion"]')).not.toContainText('×');

  // ---------- Build the grid by hand ----------
  await page.getByText('Advanced: use part of the data').click();
  await page.getByLabel('Training images').fill('2000');
  await page.getByLabel('Test images').fill('1000');

  await nextStep(page, 'Network');
  await nextStep(page, 'Pruning schedule');
  await page.getByLabel('Rounds', { exact: true }).fill(String(ROUNDS));

  await nextStep(page, 'Mask criterion');
  await page.locator('[data-compare="criterion"] [role="checkbox"]').click();
  await expect(page.locator('[data-choice="large_final"]')).toHaveClass(/selected/); // the paper default stays chosen
  await page.locator('[data-choice="random"]').click();
  await expect(page.locator('[data-choice="random"]')).toHaveClass(/selected/);
  await expect(page.locator('[data-choice].selected')).toHaveCount(2);
  await expect(page.locator('[data-compare="criterion"]')).toContainText('2 chosen');
  await screen(page, '41-wizard-experiment-criterion');

  await nextStep(page, 'Mask-1 action');
  await nextStep(page, 'Mask-0 action');
  await nextStep(page, 'Training');
  await page.getByLabel('Iterations per round').fill('200');
  await page.getByLabel('Evaluate every').fill('100');

  await nextStep(page, 'Seed & backend');
  // Several criteria make an experiment: 5 seeds unless the user says otherwise.
  const reps = page.getByLabel('Repetitions');
  await expect(reps).toHaveValue('5');
  await reps.fill(String(SEEDS));
  await reps.blur();
  await expect(page.locator('[data-step="seed"]')).toContainText(`×${SEEDS}`);
  await screen(page, '42-wizard-experiment-seeds');

  // ---------- Review: the expanded grid ----------
  await nextStep(page, 'Review & start');
  await expect(page.getByTestId('review-grid')).toHaveText('2 variants × 2 seeds = 4 runs');
  await expect(page.getByTestId('review-shared')).toContainText('2 of the runs reuse a dense training');
  await expect(page.getByTestId('review-estimate')).toContainText('≈');
  await expect(page.getByTestId('review-variants')).toContainText('Large final');
  await expect(page.getByTestId('review-variants')).toContainText('Random');
  const spec = JSON.parse(await page.getByLabel('Experiment spec as JSON').innerText());
  expect(spec).toMatchObject({
    kind: 'experiment',
    net: 'fc',
    seeds: SEEDS,
    dataset: { trainLimit: 2000, testLimit: 1000 },
    training: { iterations: 200 },
    pruning: { rounds: ROUNDS, criterion: ['large_final', 'random'] },
  });
  const preview = await app.call('experiments.preview', { spec });
  expect(preview).toMatchObject({ ok: true, runs: 4, reusedDense: 2 });
  await expect(page.getByTestId('review-experiment-id')).toHaveText(preview.ok ? preview.id : 'never');
  await expect(page.locator('[data-action="start"]')).toHaveText('Start experiment');
  await screen(page, '43-wizard-experiment-review', { fullPage: true });
  await page.locator('[data-action="start"]').click();

  // ---------- The experiment view ----------
  const view = page.locator('section.experiment-view');
  await expect(view).toHaveAttribute('data-experiment-id', /^[0-9a-f]+$/);
  const id = (await view.getAttribute('data-experiment-id'))!;
  expect(preview.ok && id).toBe(preview.ok ? preview.id : false);
  await expect(view).toHaveAttribute('data-runs', '4');
  await expect(page.getByTestId('experiment-state')).toHaveText(/Running|Queued/, { timeout: 30_000 });
  await expect(page.getByTestId('experiment-runs').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('experiment-runs').locator('tbody tr[data-status="running"]').first()).toBeVisible({ timeout: 60_000 });
  await screen(page, '44-experiment-running');

  await expect(view).toHaveAttribute('data-completed', '4', { timeout: 4 * 60_000 });
  await expect(page.getByTestId('experiment-state')).toHaveText('Completed');
  const detail = await app.call('experiments.get', { id });
  expect(detail.summary.completed).toBe(4);
  expect(detail.variants).toHaveLength(2);
  // The view re-reads the statistics after the last round: wait until the chart has every point.
  const accChart = page.getByTestId('chart-exp-accuracy');
  const chartBox = accChart.locator('[role="img"]');
  await expect(chartBox).toHaveAttribute('aria-label', new RegExp(`${2 * ROUNDS} points`));
  await expect(chartBox).toHaveAttribute('aria-label', /Lines: Large final, Random\./);
  await expect(accChart).toContainText('min–max over seeds (shaded)');
  await expect(accChart).toContainText('dashed: unpruned network (mean of 2 dense trainings)');
  await screen(page, '45-experiment-completed');
  await screen(page, '46-experiment-completed-full', { fullPage: true });

  // ---------- Save CSV: exactly the plotted statistics, equal to experiments.get ----------
  const csv = await download(page, () => accChart.getByRole('button', { name: /Save CSV/ }).click());
  expect(csv.name).toMatch(/\.csv$/);
  const rows = parseCsv(csv.bytes.toString('utf8'));
  expect(rows[0]).toEqual(['variant', 'criterion', 'round', 'percent_remaining', 'n', 'mean', 'min', 'max', 'q05', 'q95', 'star']);
  const points = rows.slice(1).filter((r) => r[2] !== '');
  expect(points).toHaveLength(2 * ROUNDS);
  for (const v of detail.variants) {
    const criterion = v.variant.criterion;
    const mine = points.filter((r) => r[1] === criterion);
    expect(mine).toHaveLength(ROUNDS);
    for (const p of v.accuracy) {
      const r = mine.find((x) => Number(x[2]) === p.round)!;
      expect(Number(r[3])).toBe(p.percentRemaining);
      expect(Number(r[4])).toBe(p.n);
      expect(Number(r[5])).toBe(p.mean);
      expect(Number(r[6])).toBe(p.min);
      expect(Number(r[7])).toBe(p.max);
      const starred = detail.stars.some((s) => s.metric === 'accuracy' && s.round === p.round && s.variant === v.key);
      expect(r[10]).toBe(starred ? '1' : '0');
    }
  }
  const unprunedRow = rows.slice(1).find((r) => r[0] === 'Unpruned network')!;
  expect(Number(unprunedRow[5])).toBe(detail.unpruned!.accuracy);
  expect(Number(unprunedRow[4])).toBe(2); // two seeds: two dense trainings, shared by the two criteria

  // ---------- Save PNG: both variants' colours and a band inside the plot area ----------
  const png = await download(page, () => accChart.getByRole('button', { name: /Save PNG/ }).click());
  expect(png.bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  const grid = bandGrid(2);
  const colors = VARIANT_COLORS.light.slice(0, 2);
  const analysis = await page.evaluate(
    async ({ b64, lines, bands, grid }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
      const s = 2; // exported at pixelRatio 2
      const count = (rgb: number[], tol: number) => {
        let n = 0;
        for (let y = grid.top * s; y < height - grid.bottom * s; y++) {
          for (let x = grid.left * s; x < width - grid.right * s; x++) {
            const i = (y * width + x) * 4;
            if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < tol && data[i + 3] > 200) n++;
          }
        }
        return n;
      };
      return { width, corner: Array.from(data.slice(0, 4)), lines: lines.map((l) => count(l, 40)), bands: bands.map((b) => count(b, 10)) };
    },
    { b64: png.bytes.toString('base64'), lines: colors.map(rgb), bands: colors.map(bandRgb), grid },
  );
  expect(analysis.corner).toEqual([255, 255, 255, 255]);
  expect(analysis.lines[0]).toBeGreaterThan(150); // Large final's line and markers
  expect(analysis.lines[1]).toBeGreaterThan(150); // Random's
  expect(analysis.bands[0] + analysis.bands[1]).toBeGreaterThan(200); // shaded min–max bands

  // The early-stop chart has its own CSV with the same rows and columns.
  const es = parseCsv(
    (
      await download(page, () =>
        page
          .getByTestId('chart-exp-early-stop')
          .getByRole('button', { name: /Save CSV/ })
          .click(),
      )
    ).bytes.toString('utf8'),
  );
  expect(es.slice(1).filter((r) => r[2] !== '')).toHaveLength(2 * ROUNDS);
  expect(Number(es.find((r) => r[1] === 'random' && r[2] === '0')![5])).toBe(
    detail.variants.find((v) => v.variant.criterion === 'random')!.earlyStop[0].mean,
  );

  // ---------- Variant table and α ----------
  const table = page.getByTestId('variant-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  const lastRound = ROUNDS - 1;
  const starsAt = (d: typeof detail) => d.stars.filter((s) => s.metric === 'accuracy' && s.round === lastRound).length;
  await expect(table.locator('tr.starred')).toHaveCount(starsAt(detail));
  await page.getByLabel('α').fill('0.45');
  const loose = await app.call('experiments.get', { id, alpha: 0.45 });
  await expect(table.locator('.summary')).toContainText('0.45'); // "… all p < 0.45" or "… at α = 0.45"
  await expect(table.locator('tr.starred')).toHaveCount(starsAt(loose));

  // ---------- Member runs: two reused a dense training of their seed's first run ----------
  const members = page.getByTestId('experiment-runs');
  await expect(members.locator('tbody tr[data-status="completed"]')).toHaveCount(4);
  await expect(members.locator('tbody tr[data-reused="true"]')).toHaveCount(2);
  await expect(members.getByTestId('reused-badge')).toHaveCount(2);
  const runIds = detail.runs.map((r) => r.id);
  for (const r of detail.runs.filter((x) => x.reusedTraining)) {
    expect(runIds).toContain(r.reusedTraining);
    const source = detail.runs.find((x) => x.id === r.reusedTraining)!;
    expect(source.seed).toBe(r.seed);
    await expect(members.locator(`tr[data-run-id="${r.id}"]`)).toContainText(`Reused dense training of ${r.reusedTraining!.slice(0, 10)}`);
  }

  // ---------- Export all runs (CSV) ----------
  const all = await download(page, () => page.locator('[data-action="export-all"]').click());
  const allRows = parseCsv(all.bytes.toString('utf8'));
  expect(allRows[0][0]).toBe('experiment_id');
  const runCol = allRows[0].indexOf('run_id');
  expect(runCol).toBeGreaterThan(0);
  expect(new Set(allRows.slice(1).map((r) => r[runCol]))).toEqual(new Set(runIds));
  expect(allRows.slice(1).every((r) => r[0] === id)).toBe(true);

  // ---------- A member run links back to its experiment ----------
  await members.locator(`tr[data-run-id="${runIds[0]}"] a.run-link`).click();
  await expect(page.locator('section.run-view')).toHaveAttribute('data-run-id', runIds[0]);
  await page.getByTestId('run-experiment-link').click();
  await expect(view).toHaveAttribute('data-experiment-id', id);

  // ---------- Home lists the experiment ----------
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
  const row = page.locator(`.experiments-table tr[data-experiment-id="${id}"]`);
  await expect(row).toContainText('2 variants × 2 seeds = 4 runs');
  await expect(row).toContainText('4/4 completed');
  await expect(row).toHaveAttribute('data-completed', '4');
  expect((await app.call('experiments.list', {})).map((e) => e.id)).toEqual([id]);
  await screen(page, '47-home-experiments');

  // ---------- Dark theme ----------
  await row.locator('a').click();
  await expect(view).toHaveAttribute('data-completed', '4');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(chartBox).toBeVisible();
  await screen(page, '48-experiment-dark');
}
