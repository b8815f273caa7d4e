// An edited label kept as per-slice runs: what is painted comes back pixel for pixel, an edit records
// only the slices it changed (with when and which tools), and the record it came from is not changed.
import { describe, expect, it } from 'vitest';
import { changedSlices, labelMask, newLabel, withEdits } from './labelRecord';

const meta = { id: 'l1', name: 'corrected liver', patientKey: 'k', patientName: '3Dircadb1.1', width: 4, height: 3, slices: 3, firstSlice: 32, origin: 'prediction' as const, model: { id: 'm', name: 'model' } };

describe('edited labels', () => {
  const mask = new Uint8Array(36);
  mask.set([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 255], 12);

  it('keeps a mask as runs per slice and gives it back as 0/1', () => {
    const label = newLabel(meta, mask, 1000);
    expect(label.sliceRuns[0]).toBeNull();
    expect(Array.from(label.sliceRuns[1]!)).toEqual([1, 2, 5, 1, 11, 1]);
    expect(Array.from(labelMask(label))).toEqual(Array.from(mask, (v) => (v > 0 ? 1 : 0)));
    expect(label).toMatchObject({ edited: [], history: [], createdAt: 1000, parentLabelId: null });
  });

  it('records the slices an edit changed, when, and with which tools; the earlier record is unchanged', () => {
    const label = newLabel(meta, mask, 1000);
    const edited = labelMask(label);
    edited[2 * 12 + 4] = 1; // slice 2 painted
    const next = withEdits(label, edited, ['brush'], 2000);
    expect(next.history).toEqual([{ at: 2000, slices: [2], tools: ['brush'] }]);
    expect(next.edited).toEqual([2]);
    expect(label.sliceRuns[2]).toBeNull();
    edited[12 + 1] = 0; // slice 1 erased
    const third = withEdits(next, edited, ['eraser'], 3000);
    expect(third.edited).toEqual([1, 2]);
    expect(third.history.map((h) => h.slices)).toEqual([[2], [1]]);
    expect(labelMask(third)).toEqual(edited);
    expect(withEdits(third, edited, ['brush'], 4000)).toBe(third);
    expect(changedSlices(mask, labelMask(third), 12)).toEqual([1, 2]);
  });

  it('refuses a mask of another shape', () => {
    expect(() => newLabel(meta, new Uint8Array(30))).toThrow(/3 slices of 4×3 expected, the mask has 30 pixels/);
  });
});
