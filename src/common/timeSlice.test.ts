import { describe, expect, it } from 'vitest';
import { captureFileSnapshots, forEachSliced, whenFilesRegistered, yieldToEventLoop } from './timeSlice';

/** A clock that advances `step` ms per item processed, and a yield that records when it happened. */
function fakeTime(step: number) {
  let t = 0;
  const yields: number[] = [];
  let processed = 0;
  return {
    tick: () => {
      processed++;
      t += step;
    },
    yields,
    opts: { now: () => t, yieldNow: async () => void yields.push(processed) },
  };
}

describe('forEachSliced', () => {
  it('visits every item in order and yields once a slice has used its time', async () => {
    const clock = fakeTime(1);
    const seen: number[] = [];
    await forEachSliced(
      Array.from({ length: 100 }, (_, i) => i),
      (x, i) => {
        expect(x).toBe(i);
        seen.push(x);
        clock.tick();
      },
      { ...clock.opts, sliceMs: 10, checkEvery: 4 },
    );
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // The clock is read every 4 items: the first look at or past 10 ms is after item 12, then every 12 more.
    expect(clock.yields).toEqual([12, 24, 36, 48, 60, 72, 84, 96]);
  });

  it('does not yield when the work fits in one slice, nor after the last item', async () => {
    const clock = fakeTime(1);
    await forEachSliced([1, 2, 3, 4, 5, 6, 7, 8], () => clock.tick(), { ...clock.opts, sliceMs: 100, checkEvery: 2 });
    expect(clock.yields).toEqual([]);
    const slow = fakeTime(50);
    await forEachSliced([1, 2], () => slow.tick(), { ...slow.opts, sliceMs: 10, checkEvery: 1 });
    expect(slow.yields).toEqual([1]);
  });

  it('lets other tasks run between slices', async () => {
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    await forEachSliced([1, 2, 3], (x) => order.push(`item ${x}`), { sliceMs: 0, checkEvery: 1, yieldNow: () => new Promise((r) => setTimeout(r, 1)) });
    expect(order.indexOf('timer')).toBeGreaterThan(0);
    expect(order.indexOf('timer')).toBeLessThan(order.length - 1);
  });
});

describe('captureFileSnapshots', () => {
  it('reads every size and returns the total', async () => {
    const files = [new Blob(['abc']), new Blob(['']), new Blob([new Uint8Array(1000)])].map((file, i) => ({ path: `f${i}`, file }));
    expect(await captureFileSnapshots(files)).toBe(1003);
  });
});

describe('yieldToEventLoop', () => {
  it('resumes in a later task: every queued microtask has run by then', async () => {
    let chained = 0;
    const chain = (n: number): Promise<void> => (n === 0 ? Promise.resolve() : Promise.resolve().then(() => (chained++, chain(n - 1))));
    void chain(200);
    await yieldToEventLoop();
    expect(chained).toBe(200);
  });
});

describe('whenFilesRegistered', () => {
  it('resolves for a list, an empty list and an unreadable file', async () => {
    await whenFilesRegistered([{ file: new Blob(['x']) }, { file: new Blob([new Uint8Array(1 << 20)]) }]);
    await whenFilesRegistered([]);
    const broken = { stream: () => { throw new Error('gone'); } } as unknown as Blob;
    await whenFilesRegistered([{ file: broken }]);
  });
});
