// The per-slice numbers behind the slice strip, on tiny hand-made masks.
import { describe, expect, it } from 'vitest';
import { sliceStats, volumeDice } from './sliceStats';

describe('sliceStats', () => {
  it('gives areas, Dice and IoU per slice, and null on a slice empty in both', () => {
    // 2 slices of 2×2: slice 0 truth {0,1}, prediction {1,2}; slice 1 both empty.
    const truth = new Uint8Array([1, 1, 0, 0, 0, 0, 0, 0]);
    const prediction = new Uint8Array([0, 1, 1, 0, 0, 0, 0, 0]);
    const [s0, s1] = sliceStats(truth, prediction, 4, 2);
    expect(s0).toEqual({ truthArea: 2, predictionArea: 2, intersection: 1, dice: 0.5, iou: 1 / 3 });
    expect(s1.dice).toBeNull();
    expect(s1.iou).toBeNull();
    expect(volumeDice([s0, s1])).toBe(0.5);
  });

  it('without a prediction gives the truth area (Dice 0 where there is truth)', () => {
    const [s] = sliceStats(new Uint8Array([1, 0, 1, 0]), undefined, 4, 1);
    expect(s.truthArea).toBe(2);
    expect(s.dice).toBe(0);
  });
});
