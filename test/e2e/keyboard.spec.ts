// Keyboard-only use and the "invalid input is never sent" rule: reach the wizard with Tab and Enter,
// move between steps, change a choice with the arrow keys, and find Start disabled while a field is
// invalid, with the problem linked to its step. No run is created along the way.
import { test, expect, screen } from './fixtures';

test('a keyboard user sets up a run; invalid input blocks Start and nothing is sent', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();

  // Tab order from the top: skip link, brand, "Runs", "New experiment".
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  const newExperiment = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New experiment' });
  for (let i = 0; i < 6 && !(await newExperiment.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(newExperiment).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'New experiment' })).toBeFocused();

  // Step list buttons work with Enter; focus lands on the step's heading.
  await page.locator('[data-step="criterion"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-title')).toHaveText('Mask criterion');
  await expect(page.getByTestId('step-title')).toBeFocused();

  // Tab into the radio group; arrow keys change the criterion.
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-choice="large_final"] input[type="radio"]')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[data-choice="small_final"]')).toHaveClass(/selected/);
  await expect(page.locator('[data-choice="small_final"] input[type="radio"]')).toBeFocused();

  // An invalid value is reported at its field and on the step list.
  await page.locator('[data-step="schedule"]').focus();
  await page.keyboard.press('Enter');
  const rounds = page.getByLabel('Rounds', { exact: true });
  await rounds.fill('0');
  await expect(page.locator('[data-field="pruning.rounds"]').getByRole('alert')).toHaveText('Must be greater than 0.');
  await expect(page.locator('[data-step="schedule"]')).toHaveClass(/error/);
  await rounds.fill('');
  await expect(page.locator('[data-field="pruning.rounds"]').getByRole('alert')).toHaveText('Enter a number.');

  // Review: Start is disabled, the problem links back to its step.
  await page.locator('[data-step="review"]').click();
  await expect(page.getByTestId('review-issues')).toContainText('Rounds: Enter a number.');
  await expect(page.locator('[data-action="start"]')).toBeDisabled();
  await screen(page, '20-review-blocked');
  await page.getByRole('button', { name: 'Go to Pruning schedule' }).click();
  await expect(page.getByTestId('step-title')).toHaveText('Pruning schedule');

  // Fixing it clears the error everywhere.
  await rounds.fill('3');
  await expect(page.locator('[data-field="pruning.rounds"]').getByRole('alert')).toHaveCount(0);
  await expect(page.locator('[data-step="schedule"]')).not.toHaveClass(/error/);

  // The draft survives a reload (the wizard keeps it), and nothing was ever sent to main.
  await page.reload();
  await page.locator('[data-step="schedule"]').click();
  await expect(page.getByLabel('Rounds', { exact: true })).toHaveValue('3');
  expect(await app.call('runs.list', {})).toEqual([]);
});
