// The workbench around the work, as a new user meets it on the real patient: the step bar says where
// each step stands and offers the next action; the pickers are reached and opened with the keyboard;
// "Clear list" clears the progress lines too; every tab passes axe's check (no serious or critical
// violation) in the light and the dark theme; the theme follows the system until the user picks one,
// and the pick survives a reload; a component that throws shows the error boundary, with a way back
// and the cache untouched.
import type { FileChooser, Page } from '@playwright/test';
import { test, expect, realPatient } from './fixtures';
import { expectAccessible } from './axe';
import { storedSummary } from './idb';
import { cacheDemo } from './viewerHelpers';

/** Presses Tab until the focused element is the button named `name` (at most 60 presses): it is reachable by keyboard. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.tagName} ${el.textContent?.trim()}` : '';
    });
    if (focused === `BUTTON ${name}`) return;
  }
  throw new Error(`${name} is not reachable with Tab`);
}

/**
 * Presses Enter on the focused button and returns the file chooser it opens. Chromium opens a chooser
 * only for an active page, and on a busy machine the page may not be active again yet after the last
 * chooser closed: the page is brought to the front first, and Enter pressed again if no chooser came.
 */
async function chooserByEnter(page: Page, name: string): Promise<FileChooser> {
  const button = page.getByRole('button', { name, exact: true });
  for (let attempt = 1; ; attempt++) {
    await page.bringToFront();
    // Bringing the page to the front may leave nothing focused: the button reached with Tab is focused again.
    if (!(await button.evaluate((el) => el === document.activeElement))) await button.focus();
    const chooser = page.waitForEvent('filechooser', { timeout: 15_000 });
    await page.keyboard.press('Enter');
    try {
      return await chooser;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

const stepState = (page: Page, step: string) => page.getByTestId(`step-${step}`);

test('3Dircadb1.17 by keyboard: the step bar leads from data to training, Clear list clears the progress lines, every tab passes axe in both themes', async ({ page }) => {
  await page.goto('/');
  await expect(stepState(page, 'data')).toHaveAttribute('data-state', 'todo');
  await expect(page.getByTestId('step-data-status')).toHaveText('no data yet');
  await expect(page.getByTestId('step-train-status')).toHaveText('needs a cached dataset');
  await expect(page.getByTestId('next-action')).toHaveText('Next: Load data');
  await expect(page.getByRole('tab', { name: 'Data' })).toHaveAttribute('aria-selected', 'true');
  await expectAccessible(page, 'Data (welcome), light');

  // "Choose a folder…" is a button reached with Tab and opened with Enter.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await tabTo(page, 'Choose a folder…');
  await (await chooserByEnter(page, 'Choose a folder…')).setFiles(realPatient('3Dircadb1.17'));
  await expect(page.locator('[data-testid=patient-row][data-patient="3Dircadb1.17"]')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('step-data-status')).toHaveText('1 patient to cache');
  await expect(page.getByTestId('next-action')).toHaveText('Next: Preprocess the 1 listed patient');

  // The next action runs the preprocessing, with named progress bars, then points at training.
  await page.getByTestId('next-action').click();
  await expect(page.getByRole('progressbar', { name: 'Preprocessing, all patients' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Preprocessing 3Dircadb1.17' })).toBeVisible();
  await expect(page.getByTestId('preprocess-status')).toContainText('Done', { timeout: 120_000 });
  await expect(stepState(page, 'data')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-data-status')).toHaveText('1 dataset cached');
  // The starter model ships with the app: the next step is to open the patient, training can come later.
  await expect(page.getByTestId('step-train-status')).toHaveText('only the starter model');
  await expect(page.getByTestId('next-action')).toHaveText('Next: Open a patient in the viewer');
  await expect(page.getByTestId('dataset-training')).toHaveText('not trained yet');

  // "Choose files or zips…" too.
  await page.getByRole('button', { name: 'Clear list' }).focus();
  await tabTo(page, 'Choose files or zips…');
  const filesChooser = await chooserByEnter(page, 'Choose files or zips…');
  expect(filesChooser.isMultiple()).toBe(true);
  await filesChooser.setFiles([]); // closed with nothing chosen
  await expect(page.getByTestId('patient-row')).toHaveCount(1);

  await expectAccessible(page, 'Data (patient listed, cached), light');
  await page.getByLabel('Theme').selectOption('dark');
  await expectAccessible(page, 'Data (patient listed, cached), dark');

  // Clear list: the patients and the finished run's progress lines go; the cached dataset stays.
  await page.getByRole('button', { name: 'Clear list' }).click();
  await expect(page.getByTestId('patient-row')).toHaveCount(0);
  await expect(page.getByTestId('preprocess-patient')).toHaveCount(0);
  await expect(page.getByTestId('preprocess-run')).toHaveCount(0);
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('next-action')).toHaveText('Next: Open a patient in the viewer');

  // The Train tab (one patient: nothing to validate on, and it says so); "Import model…" reached with Tab.
  await page.getByRole('tab', { name: 'Train' }).click();
  await expect(page.getByRole('tab', { name: 'Train' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('alert')).toContainText('no validation patient');
  await tabTo(page, 'Import model…');
  const modelChooser = await chooserByEnter(page, 'Import model…');
  expect(modelChooser.isMultiple()).toBe(true);
  await modelChooser.setFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{}') });
  await expect(page.getByTestId('models-message')).toContainText('import failed');
  await expectAccessible(page, 'Train (set-up), dark');
  await page.getByLabel('Theme').selectOption('light');
  await expectAccessible(page, 'Train (set-up), light');

  await page.getByRole('tab', { name: 'View' }).click();
  await page.getByRole('region', { name: 'Viewer' }).getByLabel('Patient', { exact: true }).selectOption({ label: '3Dircadb1.17' });
  await expect(page.getByTestId('viewer-canvas-host')).toHaveAttribute('data-rendered-slice', /\d+/, { timeout: 30_000 });
  await expect(page.getByTestId('step-view-status')).toHaveText('3Dircadb1.17 open');
  await expectAccessible(page, 'View (3Dircadb1.17 open), light');
  await page.getByLabel('Theme').selectOption('dark');
  await expectAccessible(page, 'View (3Dircadb1.17 open), dark');
});

test.describe('with the system in dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('the theme follows the system until the user picks one; the pick survives a reload', async ({ page }) => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    await page.goto('/');
    await expect(page.getByLabel('Theme')).toHaveValue('system');
    expect(luminance(await background())).toBeLessThan(0.15);
    const panel = page.getByRole('region', { name: 'Cached datasets' });
    expect(luminance(await panel.evaluate((el) => getComputedStyle(el).backgroundColor))).toBeLessThan(0.15);

    await page.getByLabel('Theme').selectOption('light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(luminance(await background())).toBeGreaterThan(0.85);
    await page.reload();
    await expect(page.getByLabel('Theme')).toHaveValue('light');
    expect(luminance(await background())).toBeGreaterThan(0.85);

    await page.getByLabel('Theme').selectOption('system');
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
    expect(luminance(await background())).toBeLessThan(0.15);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(luminance(await background())).toBeGreaterThan(0.85);
  });
});

test('a component that throws: the error boundary says what failed and leads back; nothing cached is lost', async ({ page }) => {
  await cacheDemo(page);
  const before = await storedSummary(page);
  await page.getByRole('tab', { name: 'View' }).click();
  await expect(page.getByRole('region', { name: 'Viewer' })).toBeVisible();
  // The test hook (listened to under automation only) makes a component of the View tab throw while rendering.
  await page.evaluate(() => window.dispatchEvent(new CustomEvent('liverlab-test-crash', { detail: 'view' })));
  const boundary = page.getByTestId('error-boundary');
  await expect(boundary).toBeVisible();
  await expect(boundary).toHaveAttribute('role', 'alert');
  await expect(boundary.getByRole('heading')).toHaveText('The View tab stopped with an error');
  await expect(page.getByTestId('error-message')).toHaveText('Error: test hook: a component of the view tab threw while rendering');
  await expect(boundary).toContainText('Nothing stored was lost');
  await expect(page.getByRole('region', { name: 'Viewer' })).toHaveCount(0);
  // The page is not blank: the step bar still says where things stand.
  await expect(page.getByTestId('step-data-status')).toHaveText('1 dataset cached');

  await boundary.getByRole('button', { name: 'Back to Data' }).click();
  await expect(page.getByRole('tab', { name: 'Data' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  expect(await storedSummary(page)).toEqual(before);

  // The View tab works again; and "Try again" brings a failed tab back in place.
  await page.getByRole('tab', { name: 'View' }).click();
  await expect(page.getByRole('region', { name: 'Viewer' })).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new CustomEvent('liverlab-test-crash', { detail: 'view' })));
  await expect(boundary).toBeVisible();
  await boundary.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('region', { name: 'Viewer' })).toBeVisible();
  await expect(page.getByTestId('error-boundary')).toHaveCount(0);
});
