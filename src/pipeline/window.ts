// applyWindow: Hounsfield units → 8-bit grey levels with a CT window (width, centre), exactly as
// the reference `transform_ctdata`: floor(clip((HU − (centre − width/2)) / width, 0, 1) · 255)
// in float64, truncated to uint8 like numpy's astype('uint8').
// Pure: no DOM, no IndexedDB, no workers. Never changes the formula for speed: the 65536-entry
// lookup table is filled with that very formula, one entry per int16 value. `windowStored` folds
// toHounsfield into the table too (it maps each int16 on its own), so a slice takes one pass.
import type { PixelArray } from '../common/types';
import { toHounsfield } from './hounsfield';

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

const storedLuts = new Map<string, Uint8Array>();
const STORED_LUTS_KEPT = 4;

/**
 * The 65536-entry table from a stored value (as int16, index + 32768) straight to the windowed
 * uint8: toHounsfield then the window formula, run on every int16 — so exactly their composition.
 * The last few (slope, intercept, window) are cached: a series shares one.
 */
export function storedWindowLut(rescaleSlope: number, rescaleIntercept: number, windowWidth: number, windowCenter: number): Uint8Array {
  const key = `${rescaleSlope}/${rescaleIntercept}/${windowWidth}/${windowCenter}`;
  const cached = storedLuts.get(key);
  if (cached) return cached;
  const everyInt16 = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) everyInt16[i] = i - 32768;
  const hu = toHounsfield(everyInt16, rescaleSlope, rescaleIntercept, everyInt16);
  const lut = new Uint8Array(65536);
  const windowed = windowLut(windowWidth, windowCenter);
  for (let i = 0; i < 65536; i++) lut[i] = windowed[hu[i] + 32768];
  if (storedLuts.size >= STORED_LUTS_KEPT) storedLuts.delete(storedLuts.keys().next().value as string);
  storedLuts.set(key, lut);
  return lut;
}

/**
 * Stored DICOM values → windowed uint8 in one pass: `applyWindow(toHounsfield(stored, …))` without
 * the int16 slice in between. Each stored value enters as numpy's astype(int16) sees it (low 16 bits).
 */
export function windowStored(
  stored: PixelArray,
  rescaleSlope: number,
  rescaleIntercept: number,
  { windowWidth = 500, windowCenter = 150 }: WindowSettings = {},
  out?: Uint8Array,
): Uint8Array {
  const u8 = windowOutput('windowStored', stored.length, windowWidth, windowCenter, out);
  const lut = storedWindowLut(rescaleSlope, rescaleIntercept, windowWidth, windowCenter);
  for (let i = 0, n = stored.length; i < n; i++) u8[i] = lut[(stored[i] + 32768) & 0xffff];
  return u8;
}

/** Checks a window step's settings and `out` (RangeError naming `step`); returns `out` or a new array of `n`. */
function windowOutput(step: string, n: number, windowWidth: number, windowCenter: number, out?: Uint8Array): Uint8Array {
  if (!(windowWidth > 0) || !Number.isFinite(windowWidth) || !Number.isFinite(windowCenter)) {
    throw new RangeError(`${step}: windowWidth must be > 0 and finite (got ${windowWidth}), windowCenter finite (got ${windowCenter})`);
  }
  if (out !== undefined && out.length !== n) throw new RangeError(`${step}: out has ${out.length} values, the slice has ${n}`);
  return out ?? new Uint8Array(n);
}

/** Window an int16 HU slice to uint8. Throws a RangeError for a width that is not a positive finite number. */
export function applyWindow(
  hu: Int16Array,
  { windowWidth = 500, windowCenter = 150 }: WindowSettings = {},
  out?: Uint8Array,
): Uint8Array {
  const u8 = windowOutput('applyWindow', hu.length, windowWidth, windowCenter, out);
  const lut = windowLut(windowWidth, windowCenter);
  for (let i = 0, n = hu.length; i < n; i++) u8[i] = lut[hu[i] + 32768];
  return u8;
}
