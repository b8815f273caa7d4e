// Shared e2e fixtures: every test fails if the page talks to any origin but the app's own
// (patient data never leaves the tab), and paths to the real data beside the repo.
import { test as base, expect } from '@playwright/test';
import { existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..');
export const sharedData = resolve(repoRoot, '../shared/data');

export function realPatient(name: string): string {
  const dir = resolve(sharedData, name);
  if (!existsSync(dir)) throw new Error(`real test data missing: ${dir} (../shared/data beside the repo)`);
  return dir;
}

export const test = base.extend<{ foreignRequests: string[] }>({
  foreignRequests: [
    async ({ page, baseURL }, use) => {
      const own = new URL(baseURL!).origin;
      const foreign: string[] = [];
      page.on('request', (req) => {
        const url = req.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== own) foreign.push(url);
      });
      page.on('pageerror', (err) => console.log(`[pageerror] ${err.message}`));
      await use(foreign);
      expect(foreign, 'requests to origins other than the app').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
