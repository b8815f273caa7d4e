// `--ranges rotation=10,shift=0.05,shear=5,zoom=0.1`: augmentation ranges typed on the command line,
// in Keras ImageDataGenerator's units (degrees for rotation and shear, fractions of the side for
// shifts, ±fraction for zoom). Names not given keep the ranges passed in. Pure: a string in, ranges
// or the problem out.
import { FACTOR_RANGES, type AugmentRanges } from '../pipeline/augment';

const KEYS: Record<string, (keyof AugmentRanges)[]> = {
  rotation: ['rotationRange'],
  shift: ['widthShiftRange', 'heightShiftRange'],
  'width-shift': ['widthShiftRange'],
  'height-shift': ['heightShiftRange'],
  shear: ['shearRange'],
  zoom: ['zoomRange'],
  'channel-shift': ['channelShiftRange'],
  brightness: ['brightnessRange'],
};

/** The ranges with the listed ones replaced, or a message naming the entry that is wrong. */
export function parseAugmentRanges(text: string, base: Readonly<AugmentRanges>): AugmentRanges | string {
  const out: AugmentRanges = { ...base };
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, value, extra] = entry.split('=');
    const keys = KEYS[name];
    if (!keys || value === undefined || extra !== undefined) return `'${entry}' is not name=value with a name among ${Object.keys(KEYS).join(', ')}`;
    const n = Number(value);
    if (!(Number.isFinite(n) && n >= 0) || value.trim() === '') return `'${entry}': the range must be a number, 0 or more`;
    if (n >= 1 && keys.some((k) => FACTOR_RANGES.includes(k))) return `'${entry}': ${name} must be below 1 (its factors are drawn from 1 − r to 1 + r)`;
    for (const k of keys) out[k] = n;
  }
  return out;
}
