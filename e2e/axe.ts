// The accessibility check of a screen: axe-core (@axe-core/playwright) over the whole page, WCAG 2.x
// A and AA rules; the test fails on any violation axe rates serious or critical, and prints them all
// (each rule with the elements it found) so the failure says what to fix.
import type { Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from './fixtures';

export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  // axe finishes its run in a blank page of its own: the page under test becomes the active one again
  // (a background page may not open a file chooser from a key press).
  await page.bringToFront();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const describe = (v: (typeof results.violations)[number]) =>
    `${v.impact} ${v.id}: ${v.help} — ${v.nodes
      .slice(0, 5)
      .map((n) => `${n.target.join(' ')} (${n.failureSummary?.replace(/\s+/g, ' ').slice(0, 160)})`)
      .join('; ')}`;
  console.log(`[measure] axe on ${screen}: ${results.passes.length} rules pass, ${results.violations.length} violated (${serious.length} serious or critical)`);
  for (const v of results.violations) console.log(`  ${describe(v)}`);
  expect(serious.map(describe), `serious or critical accessibility violations on ${screen}`).toEqual([]);
}
