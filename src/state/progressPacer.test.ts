import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressPacer } from './progressPacer';

describe('progressPacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const clock = () => Date.now();

  it('applies the first report at once, then the latest per key at most every interval', () => {
    const applied: [number, string][][] = [];
    const pacer = progressPacer<number, string>((m) => applied.push([...m]), 250, clock);
    pacer.report(0, 'a');
    expect(applied).toEqual([[[0, 'a']]]);
    pacer.report(0, 'b');
    pacer.report(1, 'x');
    pacer.report(0, 'c');
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(249);
    expect(applied).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(applied).toEqual([[[0, 'a']], [[0, 'c'], [1, 'x']]]);
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(2);
    pacer.report(1, 'y'); // a quiet interval has passed: at once again
    expect(applied[2]).toEqual([[1, 'y']]);
  });

  it('flush applies what is pending now; stop drops it', () => {
    const applied: [string, number][][] = [];
    const pacer = progressPacer<string, number>((m) => applied.push([...m]), 250, clock);
    pacer.report('p', 1);
    pacer.report('p', 2);
    pacer.flush();
    expect(applied).toEqual([[['p', 1]], [['p', 2]]]);
    pacer.flush();
    expect(applied).toHaveLength(2);
    pacer.report('p', 3);
    pacer.stop();
    vi.advanceTimersByTime(1000);
    expect(applied).toHaveLength(2);
  });
});
