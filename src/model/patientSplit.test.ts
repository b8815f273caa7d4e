// Splitting by patient: the reference's 1–17 / 18–20 when the whole dataset is there, the last
// ~15% otherwise, and clear refusals for splits that would leak or leave a side empty.
import { describe, expect, it } from 'vitest';
import { checkPatientSplit, defaultPatientSplit } from './patientSplit';

describe('patient split', () => {
  it('uses the reference split with 3Dircadb1.1–1.20', () => {
    const names = Array.from({ length: 20 }, (_, i) => `3Dircadb1.${i + 1}`);
    const s = defaultPatientSplit(names);
    expect(s.val).toEqual(['3Dircadb1.18', '3Dircadb1.19', '3Dircadb1.20']);
    expect(s.train).toHaveLength(17);
  });

  it('holds out the last ~15% otherwise, at least one', () => {
    expect(defaultPatientSplit(['a', 'b', 'c']).val).toEqual(['c']);
    expect(defaultPatientSplit(Array.from({ length: 13 }, (_, i) => `p${i}`)).val).toEqual(['p11', 'p12']);
    expect(defaultPatientSplit(['only']).val).toEqual([]);
  });

  it('refuses a patient on both sides, or an empty side', () => {
    expect(checkPatientSplit({ train: ['a', 'b'], val: ['b'] })).toMatch(/b is in both training and validation/);
    expect(checkPatientSplit({ train: [], val: ['b'] })).toMatch(/no training patient/);
    expect(checkPatientSplit({ train: ['a'], val: [] })).toMatch(/no validation patient/);
    expect(checkPatientSplit({ train: ['a'], val: ['b'] })).toBeNull();
  });
});
