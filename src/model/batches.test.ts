// Batches: the intensity part of the augmentation (Keras's channel shift and brightness) changes the
// images only, and the same (seed, epoch, sample) gives the same batch whichever worker builds it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUGMENT_RANGES } from '../pipeline/augment';
import { makeBatch } from './batches';
import type { SliceSet } from './sliceSet';

describe('makeBatch with intensity ranges', () => {
  it('changes the images, not the masks, the same way for the same seed', () => {
    const size = 16;
    const px = size * size;
    const set: SliceSet = {
      size, count: 3, patients: ['p'], patientOf: new Uint16Array(3),
      images: Uint8Array.from({ length: 3 * px }, (_, i) => (i * 7) % 200 + 20),
      masks: Uint8Array.from({ length: 3 * px }, (_, i) => (i % px > px / 2 ? 1 : 0)),
    };
    const plain = { mode: 'online' as const, ranges: { ...DEFAULT_AUGMENT_RANGES }, rebinariseMasks: false };
    const bright = { ...plain, ranges: { ...plain.ranges, brightnessRange: 0.3, channelShiftRange: 10 } };
    const a = makeBatch(set, [0, 1, 2], { seed: 3, epoch: 1, settings: plain });
    const b = makeBatch(set, [0, 1, 2], { seed: 3, epoch: 1, settings: bright });
    const again = makeBatch(set, [0, 1, 2], { seed: 3, epoch: 1, settings: bright });
    expect(b.y).toEqual(a.y);
    expect(b.x).not.toEqual(a.x);
    expect(again.x).toEqual(b.x);
  });
});
