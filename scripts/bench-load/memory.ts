// Memory of the browser while the load bench drives it: the page's and the workers' JS heaps (CDP,
// `performance.memory`), the PSS of every Chromium process (from /proc), sampled through a phase for
// its peaks, and what the origin keeps on disk (navigator.storage.estimate).
import { readdirSync, readFileSync } from 'node:fs';
import type { CDPSession, Page } from '@playwright/test';

/** Proportional set size (bytes) of every process of the browser started with `profile`. */
export function browserPss(profile: string): number | null {
  return browserPssByProcess(profile)?.total ?? null;
}

/** PSS of the browser's processes in bytes: in all, and by kind (`browser`, or Chromium's `--type=`: renderer, gpu-process, utility…). */
function browserPssByProcess(profile: string): { total: number; byKind: Record<string, number> } | null {
  try {
    const stat = new Map<number, number>();
    let rootPid = -1;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const s = readFileSync(`/proc/${name}/stat`, 'utf8');
        stat.set(Number(name), Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]));
        if (rootPid < 0 && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`--user-data-dir=${profile}`)) {
          const ppid = stat.get(Number(name))!;
          // The browser process is the one whose parent is not itself a Chromium of this profile.
          if (!readFileSync(`/proc/${ppid}/cmdline`, 'utf8').includes(`--user-data-dir=${profile}`)) rootPid = Number(name);
        }
      } catch {
        /* gone */
      }
    }
    if (rootPid < 0) return null;
    const tree = new Set([rootPid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of stat)
        if (!tree.has(pid) && tree.has(ppid)) {
          tree.add(pid);
          grew = true;
        }
    }
    let total = 0;
    const byKind: Record<string, number> = {};
    for (const pid of tree) {
      try {
        const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
        if (!m) continue;
        const kind = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? (pid === rootPid ? 'browser' : 'other');
        total += Number(m[1]) * 1024;
        byKind[kind] = (byKind[kind] ?? 0) + Number(m[1]) * 1024;
      } catch {
        /* gone */
      }
    }
    return { total, byKind };
  } catch {
    return null;
  }
}

export interface Peaks {
  pageHeapUsed: number;
  pageHeapTotal: number;
  workerHeapUsed: number | null;
  browserPss: number | null;
  /** The browser's PSS by process kind when it was at its peak. */
  browserPssByKind: Record<string, number> | null;
  samples: number;
}

/** Samples the page's heap (CDP), the workers' heaps and the browser's PSS every `everyMs` until stopped. */
export function sampler(cdp: CDPSession, page: Page, profile: string, everyMs = 1000) {
  const peaks: Peaks = { pageHeapUsed: 0, pageHeapTotal: 0, workerHeapUsed: null, browserPss: null, browserPssByKind: null, samples: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      try {
        const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
        const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
        peaks.pageHeapUsed = Math.max(peaks.pageHeapUsed, get('JSHeapUsedSize'));
        peaks.pageHeapTotal = Math.max(peaks.pageHeapTotal, get('JSHeapTotalSize'));
      } catch {
        /* page busy or navigating */
      }
      let workers = 0;
      let reachable = false;
      for (const w of page.workers()) {
        const used = await Promise.race([
          w.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null).catch(() => null),
          new Promise<null>((r) => setTimeout(() => r(null), 500)),
        ]);
        if (used !== null) {
          reachable = true;
          workers += used;
        }
      }
      if (reachable) peaks.workerHeapUsed = Math.max(peaks.workerHeapUsed ?? 0, workers);
      const pss = browserPssByProcess(profile);
      if (pss !== null && pss.total > (peaks.browserPss ?? 0)) {
        peaks.browserPss = pss.total;
        peaks.browserPssByKind = pss.byKind;
      }
      peaks.samples++;
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - t0))));
    }
  })();
  return {
    async stop(): Promise<Peaks> {
      running = false;
      await loop;
      return { ...peaks };
    },
  };
}

export async function storage(page: Page): Promise<{ usage: number; indexedDB: number | null; caches: number | null }> {
  return page.evaluate(async () => {
    const e = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
    return { usage: e.usage ?? 0, indexedDB: e.usageDetails?.indexedDB ?? null, caches: e.usageDetails?.caches ?? null };
  });
}
