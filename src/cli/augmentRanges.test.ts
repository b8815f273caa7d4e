// `--ranges`: named ranges replace the preset's, `shift` sets both shifts, the rest stay; a wrong
// entry is named in the message.
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUGMENT_RANGES } from '../pipeline/augment';
import { parseAugmentRanges } from './augmentRanges';

describe('parseAugmentRanges', () => {
  it('replaces the named ranges and keeps the others', () => {
    expect(parseAugmentRanges('rotation=10, shift=0.05,zoom=0.1', DEFAULT_AUGMENT_RANGES)).toEqual({
      rotationRange: 10, widthShiftRange: 0.05, heightShiftRange: 0.05, shearRange: DEFAULT_AUGMENT_RANGES.shearRange, zoomRange: 0.1,
    });
    expect(parseAugmentRanges('height-shift=2', DEFAULT_AUGMENT_RANGES)).toMatchObject({ heightShiftRange: 2, widthShiftRange: DEFAULT_AUGMENT_RANGES.widthShiftRange });
    expect(parseAugmentRanges('brightness=0.2,channel-shift=20', DEFAULT_AUGMENT_RANGES)).toEqual({ ...DEFAULT_AUGMENT_RANGES, brightnessRange: 0.2, channelShiftRange: 20 });
  });

  it('names the entry that is wrong', () => {
    expect(parseAugmentRanges('spin=3', DEFAULT_AUGMENT_RANGES)).toMatch(/'spin=3' is not name=value/);
    expect(parseAugmentRanges('rotation=-1', DEFAULT_AUGMENT_RANGES)).toMatch(/'rotation=-1': the range must be a number/);
    expect(parseAugmentRanges('zoom=1.5', DEFAULT_AUGMENT_RANGES)).toMatch(/zoom must be below 1/);
    expect(parseAugmentRanges('brightness=1', DEFAULT_AUGMENT_RANGES)).toMatch(/brightness must be below 1/);
    expect(parseAugmentRanges('shear', DEFAULT_AUGMENT_RANGES)).toMatch(/'shear' is not name=value/);
  });
});
