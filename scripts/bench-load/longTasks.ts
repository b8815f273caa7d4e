// The main thread's long tasks while the load bench drives the app: an observer installed before the
// app's scripts, and per phase the longest task, with the task that delivers a picked folder apart.
import type { Page } from '@playwright/test';

/**
 * Installed before the app's scripts: every main-thread task over 50 ms, with its start time; and when
 * each `change` event of a file input started (the task that delivers a picked folder's FileList is
 * mostly Chromium building the File objects, before the app's handler runs).
 */
export function installLongTaskObserver() {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __changes: number[] };
  w.__longTasks = [];
  w.__changes = [];
  window.addEventListener('change', () => w.__changes.push(performance.now()), true);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

export interface TaskFigures {
  longestMs: number;
  over200: number;
  count: number;
  /** The long task in which a file input's `change` event fired, if any: its length and how much of it came before the event. */
  pickerTask: { ms: number; beforeChangeMs: number } | null;
  /** The longest task other than that one. */
  longestOtherMs: number;
}

export async function longestTask(page: Page, from: number, to: number): Promise<TaskFigures> {
  return page.evaluate(
    ([a, b]) => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __changes: number[] };
      const tasks = w.__longTasks.filter((t) => t.start >= a && t.start <= b);
      const picker = tasks.find((t) => w.__changes.some((c) => c >= t.start && c <= t.start + t.duration));
      const change = picker ? w.__changes.find((c) => c >= picker.start && c <= picker.start + picker.duration)! : 0;
      const others = tasks.filter((t) => t !== picker);
      return {
        longestMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))),
        over200: tasks.filter((t) => t.duration > 200).length,
        count: tasks.length,
        pickerTask: picker ? { ms: Math.round(picker.duration), beforeChangeMs: Math.round(change - picker.start) } : null,
        longestOtherMs: Math.round(Math.max(0, ...others.map((t) => t.duration))),
      };
    },
    [from, to] as const,
  );
}
