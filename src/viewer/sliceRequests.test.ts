import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSliceRequests, STUCK_MS, type SliceDisplay } from './sliceRequests';

/** A fake viewport: `show` is taken at once, the image "renders" when the test says so. */
function fakeDisplay(start: number) {
  let current = start;
  const shown: number[] = [];
  const display: SliceDisplay = {
    current: () => current,
    show(index) {
      shown.push(index);
      current = index;
      return Promise.resolve();
    },
  };
  return {
    display,
    shown,
    /** What Cornerstone's labelmap sync does: the viewport jumps back to another slice. */
    jumpTo(index: number) {
      current = index;
    },
    get current() {
      return current;
    },
  };
}

describe('slice requests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('Home then ↓ before anything rendered ends on slice 2, not on the old slice + 1', () => {
    const v = fakeDisplay(10);
    const s = createSliceRequests(v.display, 13, 10, () => Date.now());
    s.request(0); // Home
    s.request(s.target + 1); // ↓ while slice 0 is still on its way
    expect(s.target).toBe(1);
    expect(v.shown).toEqual([0]); // one request at a time
    s.rendered(); // slice 0 on the canvas
    expect(v.shown).toEqual([0, 1]);
    s.rendered();
    expect(v.current).toBe(1);
    expect(v.shown).toEqual([0, 1]);
  });

  it('fast repeats skip slices instead of queueing them', () => {
    const v = fakeDisplay(0);
    const s = createSliceRequests(v.display, 100, 0, () => Date.now());
    for (let i = 0; i < 20; i++) s.request(s.target + 1);
    s.rendered();
    s.rendered();
    expect(v.shown).toEqual([1, 20]);
    expect(v.current).toBe(20);
  });

  it('a scroll-back by the labelmap sync (new 11, new 12, one render of 12) is asked again at once', () => {
    const v = fakeDisplay(12);
    const s = createSliceRequests(v.display, 13, 12, () => Date.now());
    s.request(11);
    s.newImage(11);
    v.jumpTo(12);
    s.newImage(12);
    s.rendered();
    expect(v.shown).toEqual([11, 11]);
    s.newImage(11);
    s.rendered();
    expect(v.current).toBe(11);
    expect(v.shown).toEqual([11, 11]);
  });

  it('a scroll-back after the render is corrected on the next render', () => {
    const v = fakeDisplay(5);
    const s = createSliceRequests(v.display, 13, 5, () => Date.now());
    s.request(8);
    s.rendered();
    v.jumpTo(5);
    s.rendered();
    expect(v.shown).toEqual([8, 8]);
    expect(v.current).toBe(8);
  });

  it('clamps to the stack', () => {
    const v = fakeDisplay(3);
    const s = createSliceRequests(v.display, 13, 3, () => Date.now());
    s.request(-4);
    expect(s.target).toBe(0);
    s.rendered();
    s.request(99);
    expect(s.target).toBe(12);
  });

  it('a request that never renders is issued again after the stuck time', () => {
    const v = fakeDisplay(0);
    v.display.show = (index) => {
      v.shown.push(index);
      return Promise.resolve(); // taken, but the viewport never moves
    };
    const s = createSliceRequests(v.display, 13, 0, () => Date.now());
    s.request(4);
    expect(v.shown).toEqual([4]);
    vi.advanceTimersByTime(STUCK_MS / 2);
    expect(v.shown).toEqual([4]);
    vi.advanceTimersByTime(STUCK_MS);
    expect(v.shown).toEqual([4, 4]);
    s.dispose();
    vi.advanceTimersByTime(5 * STUCK_MS);
    expect(v.shown).toEqual([4, 4]);
  });

  it('a failed request frees the next one', async () => {
    const v = fakeDisplay(0);
    let fail = true;
    const show = v.display.show;
    v.display.show = (index) => (fail ? (v.shown.push(index), Promise.reject(new Error('load failed'))) : show(index));
    const s = createSliceRequests(v.display, 13, 0, () => Date.now());
    s.request(2);
    await Promise.resolve();
    await Promise.resolve();
    fail = false;
    s.request(3);
    expect(v.shown).toEqual([2, 3]);
    expect(v.current).toBe(3);
  });
});
