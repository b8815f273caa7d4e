// applyWindow: Hounsfield units → 8-bit grey levels with a CT window (width, centre), exactly as
// the reference `transform_ctdata`: floor(clip((HU − (centre − width/2)) / width, 0, 1) · 255)
// in float64, truncated to uint8 like numpy's astype('uint8').
// Pure: no DOM, no IndexedDB, no workers. Never changes the formula for speed: the 65536-entry
// lookup table is filled with that very formula, one entry per int16 value.

export interface WindowSettings {
  /** Window width in HU (> 0). Reference: 500. */
  windowWidth?: number;
  /** Window centre (level) in HU. Reference: 150. */
  windowCenter?: number;
}

/** The reference formula for one HU value, in float64 like numpy. */
export function windowValue(hu: number, windowWidth: number, windowCenter: number): number {
  const lo = windowCenter - 0.5 * windowWidth;
  let x = (hu - lo) / windowWidth;
  if (x < 0) x = 0;
  if (x > 1) x = 1;
  return Math.trunc(x * 255);
}

let cachedLut: Uint8Array | null = null;
let cachedWidth = NaN;
let cachedCenter = NaN;

/** The 65536-entry table for (width, centre), indexed by HU + 32768; the last one is cached. */
export function windowLut(windowWidth: number, windowCenter: number): Uint8Array {
  if (cachedLut !== null && cachedWidth === windowWidth && cachedCenter === windowCenter) return cachedLut;
  const lut = new Uint8Array(65536);
  for (let v = -32768; v <= 32767; v++) lut[v + 32768] = windowValue(v, windowWidth, windowCenter);
  cachedLut = lut;
  cachedWidth = windowWidth;
  cachedCenter = windowCenter;
  return lut;
}

/** Window an int16 HU slice to uint8. Throws a RangeError for a width that is not a positive finite number. */
export function applyWindow(
  hu: Int16Array,
  { windowWidth = 500, windowCenter = 150 }: WindowSettings = {},
  out?: Uint8Array,
): Uint8Array {
  if (!(windowWidth > 0) || !Number.isFinite(windowWidth) || !Number.isFinite(windowCenter)) {
    throw new RangeError(`applyWindow: windowWidth must be > 0 and finite (got ${windowWidth}), windowCenter finite (got ${windowCenter})`);
  }
  const n = hu.length;
  if (out !== undefined && out.length !== n) {
    throw new RangeError(`applyWindow: out has ${out.length} values, the slice has ${n}`);
  }
  const u8 = out ?? new Uint8Array(n);
  const lut = windowLut(windowWidth, windowCenter);
  for (let i = 0; i < n; i++) u8[i] = lut[hu[i] + 32768];
  return u8;
}
