// Stored DICOM values → HU with the reference get_pixels_hu's numpy semantics (int16 wraps, −2000 → 0).
import { describe, expect, it } from 'vitest';
import { toHounsfield } from './hounsfield';

/** numpy on x86-64: float64 → int16 = truncate, then the low 16 bits of the int32 (0 outside int32). */
function npInt16(x: number): number {
  const t = Math.trunc(x);
  if (!(t >= -(2 ** 31) && t < 2 ** 31)) return 0;
  const low = ((t % 65536) + 65536) % 65536;
  return low >= 32768 ? low - 65536 : low;
}

/** numpy scalar np.int16(python float): truncate through int64, then modulo 2^16. */
function npScalarInt16(x: number): number {
  const low = ((Math.trunc(x) % 65536) + 65536) % 65536;
  return low >= 32768 ? low - 65536 : low;
}

/** The reference, one value at a time, written out plainly. */
function referenceHu(stored: number, slope: number, intercept: number): number {
  let v = npInt16(stored); // astype(int16) of an integer: modulo 2^16
  if (v === -2000) v = 0;
  if (slope !== 1) v = npInt16(slope * v);
  return npInt16(v + npScalarInt16(intercept));
}

const ALL_INT16 = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('toHounsfield reproduces get_pixels_hu', () => {
  it.each([
    [1, 0],
    [1, -1024],
    [1, -1024.9],
    [1, 1024],
    [2, -1024],
    [0.5, 0],
    [1.5, -1000.5],
    [-1, 7],
    [0.25, 32767],
    [1, 40000],
    [3, -1e10],
    [1e6, 0],
  ])('every int16 value with slope %s, intercept %s', (slope, intercept) => {
    const got = toHounsfield(ALL_INT16, slope, intercept);
    let differing = 0;
    for (let i = 0; i < ALL_INT16.length; i++) if (got[i] !== referenceHu(ALL_INT16[i], slope, intercept)) differing++;
    expect(differing).toBe(0);
  });

  it('maps the padding value −2000 to 0 before the rescale', () => {
    expect(Array.from(toHounsfield(Int16Array.from([-2000, -1999, 0]), 1, -1024))).toEqual([-1024, -3023, -1024]);
  });

  it('wraps like int16: uint16 above 32767, intercept overflow, slope overflow', () => {
    // uint16 63536 is int16 −2000 after astype(int16) → 0
    expect(Array.from(toHounsfield(Uint16Array.from([65535, 40000, 63536]), 1, 0))).toEqual([-1, -25536, 0]);
    expect(Array.from(toHounsfield(Int16Array.from([32000, -32000]), 1, 1000))).toEqual([-32536, -31000]);
    expect(Array.from(toHounsfield(Int16Array.from([30000]), 2, 0))).toEqual([-5536]);
    expect(Array.from(toHounsfield(Int16Array.from([-3]), 2.5, 0))).toEqual([-7]); // −7.5 truncates toward zero
    // values checked with numpy 1.24.2 on x86-64: array cast 1e10 → 0 (outside int32),
    // scalar np.int16(40000.0) → −25536 and np.int16(1e10) → −7168 (through int64)
    expect(Array.from(toHounsfield(Int16Array.from([20000, -20000, 32767]), 1e6, 0))).toEqual([0, 0, npInt16(32767e6)]);
    expect(Array.from(toHounsfield(Int16Array.from([0]), 1, 40000))).toEqual([-25536]);
    expect(Array.from(toHounsfield(Int16Array.from([0]), 1, 1e10))).toEqual([-7168]);
  });

  it('refuses an intercept numpy cannot convert (NaN, infinity)', () => {
    expect(() => toHounsfield(new Int16Array(1), 1, Number.NaN)).toThrow(RangeError);
    expect(() => toHounsfield(new Int16Array(1), 1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('accepts uint8 masks-like input and writes into out', () => {
    const out = new Int16Array(2);
    expect(toHounsfield(Uint8Array.from([0, 255]), 1, -1024, out)).toBe(out);
    expect(Array.from(out)).toEqual([-1024, -769]);
  });
});
