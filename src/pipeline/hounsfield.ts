// toHounsfield: stored DICOM pixel values → Hounsfield units, exactly as the reference
// `get_pixels_hu` (numpy int16 semantics, including its wrap-arounds), so that every later step
// sees the same numbers as the Python pipeline.
// Pure: no DOM, no IndexedDB, no workers; runs in Node, Web Workers and the CLI. Never allocates
// per pixel and never "fixes" the reference's quirks (the wraps are part of the contract).
import type { PixelArray } from '../common/types';

const TWO_POW_31 = 2147483648;

/**
 * numpy's `float64 → int16` cast on x86-64 (`astype(np.int16)`): truncate toward zero, then keep
 * the low 16 bits of the 32-bit integer (wrap-around). Values outside the int32 range and NaN
 * become INT32_MIN there, whose low 16 bits are 0.
 */
function float64ToInt16(value: number): number {
  const t = Math.trunc(value);
  if (!(t < TWO_POW_31 && t >= -TWO_POW_31)) return 0;
  return (t << 16) >> 16;
}

/**
 * numpy's scalar `np.int16(python_float)` (how the reference converts the intercept): truncate
 * toward zero through a 64-bit integer, then wrap modulo 2^16. NaN, ±∞ and |x| ≥ 2^63 make numpy
 * raise, so they throw a RangeError here.
 */
function interceptToInt16(value: number): number {
  const t = Math.trunc(value);
  if (!(Math.abs(t) < 9223372036854775808)) {
    throw new RangeError(`toHounsfield: RescaleIntercept ${value} cannot be converted to int16 (numpy raises too)`);
  }
  const low = ((t % 65536) + 65536) % 65536; // exact: fmod of an integer-valued double
  return low >= 32768 ? low - 65536 : low;
}

/**
 * Hounsfield units of one slice:
 * 1. `stored.astype(int16)` (a uint16 above 32767 wraps to a negative value);
 * 2. a value of −2000 (the padding some scanners use outside the scan circle) becomes 0;
 * 3. when `rescaleSlope != 1`: `int16(slope · float64(value))`, truncated toward zero (numpy cast);
 * 4. `+= np.int16(rescaleIntercept)` with int16 wrap-around (the intercept is truncated, then wrapped).
 *
 * `out` may be the same length as `stored`; it is filled and returned.
 */
export function toHounsfield(
  stored: PixelArray,
  rescaleSlope: number,
  rescaleIntercept: number,
  out?: Int16Array,
): Int16Array {
  const n = stored.length;
  if (out !== undefined && out.length !== n) {
    throw new RangeError(`toHounsfield: out has ${out.length} values, the slice has ${n}`);
  }
  const hu = out ?? new Int16Array(n);
  // TypedArray.set converts with ToInt16 (modulo 2^16): the same wrap as numpy's astype(int16).
  if (hu !== stored) hu.set(stored);
  const intercept = interceptToInt16(rescaleIntercept);
  if (rescaleSlope !== 1) {
    for (let i = 0; i < n; i++) {
      const v = hu[i] === -2000 ? 0 : hu[i];
      hu[i] = float64ToInt16(rescaleSlope * v) + intercept; // Int16Array store wraps
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = hu[i] === -2000 ? 0 : hu[i];
      hu[i] = v + intercept; // Int16Array store wraps like int16 +=
    }
  }
  return hu;
}
