// The CT window: the lookup table must equal the reference float64 formula for every int16 value.
import { describe, expect, it } from 'vitest';
import { applyWindow, windowLut, windowStored } from './window';
import { toHounsfield } from './hounsfield';

/** The reference transform_ctdata written out plainly (float64, numpy order of operations). */
function referenceWindow(hu: number, width: number, center: number): number {
  const lo = center - 0.5 * width;
  let img = (hu - lo) / width;
  if (img < 0) img = 0;
  if (img > 1) img = 1;
  return Math.trunc(img * 255);
}

const ALL_INT16 = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('applyWindow reproduces the reference window over every int16 value', () => {
  it.each([
    [500, 150],
    [400, 40],
    [1500, -600],
    [350, 50.5],
    [3, 0],
    [1, -1024],
    [2000.25, 1000.75],
  ])('width %s, centre %s', (width, center) => {
    const got = applyWindow(ALL_INT16, { windowWidth: width, windowCenter: center });
    let differing = 0;
    for (let i = 0; i < ALL_INT16.length; i++) if (got[i] !== referenceWindow(ALL_INT16[i], width, center)) differing++;
    expect(differing).toBe(0);
  });

  it('defaults to the reference window 500/150: HU −100 → 0, 400 → 255, 150 → 127', () => {
    const got = applyWindow(Int16Array.from([-1024, -100, 150, 400, 3000, -99]));
    expect(Array.from(got)).toEqual([0, 0, 127, 255, 255, 0]);
  });

  it('writes into out and caches the table for the same window', () => {
    const out = new Uint8Array(3);
    expect(applyWindow(Int16Array.from([0, 100, 200]), {}, out)).toBe(out);
    expect(windowLut(500, 150)).toBe(windowLut(500, 150));
  });

  it('refuses a window width that is not positive', () => {
    expect(() => applyWindow(new Int16Array(1), { windowWidth: 0 })).toThrow(RangeError);
    expect(() => applyWindow(new Int16Array(1), { windowWidth: -5 })).toThrow(RangeError);
  });
});

describe('windowStored (HU and window in one pass)', () => {
  const stored = {
    int16: ALL_INT16,
    uint16: Uint16Array.from({ length: 65536 }, (_, i) => i),
    uint8: Uint8Array.from({ length: 256 }, (_, i) => i),
    int8: Int8Array.from({ length: 256 }, (_, i) => i - 128),
  };
  const rescales: [number, number][] = [[1, -1024], [1, 0], [1, -1000.7], [2.5, -1024], [0.3, 31000], [1, 40000], [-1, 5]];
  for (const [name, pixels] of Object.entries(stored)) {
    it(`equals applyWindow(toHounsfield(…)) on every ${name} value, for ${rescales.length} rescales and two windows`, () => {
      for (const [slope, intercept] of rescales) {
        for (const window of [{ windowWidth: 500, windowCenter: 150 }, { windowWidth: 1, windowCenter: -2000 }]) {
          const expected = applyWindow(toHounsfield(pixels, slope, intercept), window);
          const got = windowStored(pixels, slope, intercept, window, new Uint8Array(pixels.length));
          let differing = 0;
          for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) differing++;
          expect(differing, `slope ${slope}, intercept ${intercept}, window ${JSON.stringify(window)}`).toBe(0);
        }
      }
    });
  }

  it('refuses a bad window and an output of the wrong length', () => {
    expect(() => windowStored(ALL_INT16, 1, 0, { windowWidth: 0 })).toThrow(RangeError);
    expect(() => windowStored(ALL_INT16, 1, 0, {}, new Uint8Array(3))).toThrow(/out has 3 values/);
  });
});
