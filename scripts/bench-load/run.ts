// One run of the load bench at one patient count, in a fresh persistent browser profile: drop the
// folder root, "Preprocess and cache" all patients, train (unless --no-train); each a measured phase.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';
import { syntheticDataset } from './dataset';
import { installLongTaskObserver } from './longTasks';
import { phase, type PhaseResult } from './phase';
import { storage } from './memory';
import { epochs, log, MiB, round, size, slicesPerPatient, train } from './settings';

export interface RunResult {
  patients: number;
  slicesOnDisk: number;
  dicomFiles: number;
  datasetMiB: number;
  keptSlices: number | null;
  phases: Record<string, PhaseResult>;
  indexedDbMiB: number | null;
  storageUsageMiB: number;
  cacheStorageMiB: number | null;
  trainSteps: number | null;
  backend: string | null;
  loadAverage: number[];
}

export async function runOnce(url: string, count: number): Promise<RunResult> {
  const data = syntheticDataset(count);
  log(`dataset: ${count} patients × ${slicesPerPatient} slices at ${size}², ${data.files} files, ${MiB(data.bytes)} MiB in ${data.root}`);
  // A real (persistent) profile on disk, as a user's browser: IndexedDB on disk with the disk's quota.
  const profile = mkdtempSync(join(tmpdir(), 'liverlab-load-profile-'));
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    await context.addInitScript(installLongTaskObserver);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => log(`[pageerror] ${err.message}`));
    const foreign: string[] = [];
    context.on('request', (r) => {
      if (/^https?:/.test(r.url()) && new URL(r.url()).origin !== new URL(url).origin) foreign.push(r.url());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await page.getByTestId('folder-input').waitFor({ state: 'attached' });
    const phases: Record<string, PhaseResult> = {};

    phases.scan = await phase(page, cdp, profile, 'scan (drop → patient list)', async () => {
      await page.getByTestId('folder-input').setInputFiles(data.root);
      await page.getByTestId('patient-row').nth(count - 1).waitFor({ timeout: 3_600_000 });
    });
    phases.preprocess = await phase(page, cdp, profile, 'preprocess & cache', async () => {
      await page.getByRole('button', { name: new RegExp(`Preprocess and cache ${count} patients?`) }).click();
      const status = page.getByTestId('preprocess-status');
      const until = Date.now() + 6 * 3_600_000;
      let lastLog = Date.now();
      while (!/Done|Failed|Cancelled/i.test((await status.textContent().catch(() => '')) ?? '')) {
        if (Date.now() > until) throw new Error('preprocessing did not finish in 6 h');
        await page.waitForTimeout(5000);
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          const done = await page.locator('[data-testid=preprocess-patient][data-stage=done]').count();
          log(`  preprocess: ${done}/${count} patients done`);
        }
      }
      const failed = await page.locator('[data-testid=preprocess-patient][data-stage=failed]').count();
      if (failed) throw new Error(`${failed} patients failed to preprocess: ${await status.textContent()}`);
    });
    const afterCache = await storage(page);
    const keptSlices = await page.evaluate(
      () =>
        new Promise<number>((ok, fail) => {
          const o = indexedDB.open('liverlab');
          o.onsuccess = () => {
            // A record is a run of `count` slices (or one slice, in caches written before runs).
            let n = 0;
            const r = o.result.transaction('slices').objectStore('slices').openCursor();
            r.onsuccess = () => {
              const c = r.result;
              if (!c) return ok(n);
              n += (c.value as { count?: number }).count ?? 1;
              c.continue();
            };
            r.onerror = () => fail(r.error);
          };
          o.onerror = () => fail(o.error);
        }),
    );

    let trainSteps: number | null = null;
    let backend: string | null = null;
    if (train) {
      phases.train = await phase(page, cdp, profile, `train ${epochs} epoch(s), Laptop preset`, async () => {
        await page.getByRole('tab', { name: 'Train' }).click();
        await page.getByLabel('Preset').selectOption('laptop');
        await page.getByLabel('Epochs').fill(String(epochs));
        await page.getByRole('button', { name: 'Start training' }).click();
        const status = page.getByTestId('run-status');
        const until = Date.now() + 12 * 3_600_000;
        let lastLog = 0;
        while (!/finished|failed|stopped/.test((await status.textContent().catch(() => '')) ?? '')) {
          if (Date.now() > until) throw new Error('training did not finish in 12 h');
          await page.waitForTimeout(2000);
          if (Date.now() - lastLog > 30_000) {
            lastLog = Date.now();
            const stats = await page.locator('.live-run .stats').textContent().catch(() => '');
            log(`  train: ${await page.getByTestId('epoch-progress').textContent().catch(() => '?')}; ${stats}`);
          }
        }
        if ((await status.textContent()) !== 'finished') throw new Error(`training ended ${await status.textContent()}: ${await page.getByTestId('run-message').textContent().catch(() => '')}`);
        backend = await page.getByTestId('backend').textContent();
        trainSteps = await page.evaluate(
          () =>
            new Promise<number | null>((ok) => {
              const o = indexedDB.open('liverlab');
              o.onsuccess = () => {
                const r = o.result.transaction('runs').objectStore('runs').getAll();
                r.onsuccess = () => {
                  const last = (r.result as { state?: { steps?: { step: number }[] } }[])[0]?.state?.steps?.at(-1);
                  ok(last ? last.step + 1 : null);
                };
                r.onerror = () => ok(null);
              };
              o.onerror = () => ok(null);
            }),
        );
      });
    }
    const end = await storage(page);
    if (foreign.length) throw new Error(`requests to other origins: ${foreign.join(', ')}`);
    return {
      patients: count,
      slicesOnDisk: count * slicesPerPatient,
      dicomFiles: data.files,
      datasetMiB: MiB(data.bytes)!,
      keptSlices,
      phases,
      indexedDbMiB: MiB(afterCache.indexedDB ?? null),
      storageUsageMiB: MiB(end.usage)!,
      cacheStorageMiB: MiB(end.caches ?? null),
      trainSteps,
      backend,
      loadAverage: loadavg().map((x) => round(x, 2)),
    };
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}
