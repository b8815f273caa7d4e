// One measured phase of the load bench: its wall time, memory peaks and long tasks, logged as it ends.
import type { CDPSession, Page } from '@playwright/test';
import { longestTask } from './longTasks';
import { browserPss, sampler, type Peaks } from './memory';
import { log, MiB } from './settings';

const now = (page: Page) => page.evaluate(() => performance.now());

export interface PhaseResult {
  wallMs: number;
  peakPageHeapMiB: number;
  peakPageHeapTotalMiB: number;
  peakWorkersHeapMiB: number | null;
  /** The browser's PSS when the phase began, and at its peak in the phase (in all, and by process kind). */
  startBrowserPssMiB: number | null;
  peakBrowserPssMiB: number | null;
  peakBrowserPssByKindMiB: Record<string, number> | null;
  longestTaskMs: number;
  /** The task delivering a picked folder (Chromium's File objects, then the app's change handler), when there was one. */
  pickerTask: { ms: number; beforeChangeMs: number } | null;
  /** The longest task other than the picker's: all the app's own. */
  longestOtherTaskMs: number;
  longTasks: number;
  longTasksOver200ms: number;
}

export async function phase(page: Page, cdp: CDPSession, profile: string, name: string, body: () => Promise<void>): Promise<PhaseResult> {
  const startPss = browserPss(profile);
  const s = sampler(cdp, page, profile);
  const p0 = await now(page);
  const t0 = Date.now();
  let peaks: Peaks;
  try {
    await body();
  } finally {
    peaks = await s.stop();
  }
  const wallMs = Date.now() - t0;
  const tasks = await longestTask(page, p0, await now(page));
  const r: PhaseResult = {
    wallMs,
    peakPageHeapMiB: MiB(peaks.pageHeapUsed)!,
    peakPageHeapTotalMiB: MiB(peaks.pageHeapTotal)!,
    peakWorkersHeapMiB: MiB(peaks.workerHeapUsed),
    startBrowserPssMiB: MiB(startPss),
    peakBrowserPssMiB: MiB(peaks.browserPss),
    peakBrowserPssByKindMiB: peaks.browserPssByKind && Object.fromEntries(Object.entries(peaks.browserPssByKind).map(([k, v]) => [k, MiB(v)!])),
    longestTaskMs: tasks.longestMs,
    pickerTask: tasks.pickerTask,
    longestOtherTaskMs: tasks.longestOtherMs,
    longTasks: tasks.count,
    longTasksOver200ms: tasks.over200,
  };
  log(`${name}: ${JSON.stringify(r)}`);
  return r;
}
