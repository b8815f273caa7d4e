// The warm-up runs the real per-slice steps and leaves nothing behind that changes a real slice's result.
import { describe, expect, it } from 'vitest';
import { clahe } from '../../pipeline/clahe';
import { windowStored } from '../../pipeline/window';
import { warmUpSliceSteps } from './warmUp';

function noisySlice(width: number, height: number, seed: number): Int16Array {
  const out = new Int16Array(width * height);
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x >>> 20) - 1500;
  }
  return out;
}

describe('warmUpSliceSteps', () => {
  it('runs window + CLAHE + mask runs on a synthetic slice, and a real-sized slice comes out the same before and after', () => {
    const pixels = noisySlice(96, 80, 5);
    const before = clahe(windowStored(pixels, 1, -1024), 96, 80);
    const ms = warmUpSliceSteps(undefined, 512, 512);
    expect(ms).toBeGreaterThan(0);
    warmUpSliceSteps({ windowWidth: 400, windowCenter: 40, claheClipLimit: 3, claheTilesX: 4, claheTilesY: 4, organ: 'liver', margin: 5 }, 64, 48);
    const after = clahe(windowStored(pixels, 1, -1024), 96, 80);
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
  });
});
