// The threshold slider's arithmetic on stored uint8 probabilities, and "keep largest component".
import { describe, expect, it } from 'vitest';
import { maskFromProbabilities } from './probabilityMask';

describe('maskFromProbabilities', () => {
  it('a voxel is liver when p ≥ threshold (p = stored / 255), so 0.5 keeps 128 and drops 127', () => {
    const p = new Uint8Array([0, 127, 128, 255]);
    expect(Array.from(maskFromProbabilities(p, 4, 1, 1, { threshold: 0.5, largestComponent: false }))).toEqual([0, 0, 1, 1]);
    expect(Array.from(maskFromProbabilities(p, 4, 1, 1, { threshold: 1, largestComponent: false }))).toEqual([0, 0, 0, 1]);
    expect(Array.from(maskFromProbabilities(p, 4, 1, 1, { threshold: 0, largestComponent: false }))).toEqual([1, 1, 1, 1]);
  });
  it('keeps only the largest component when asked', () => {
    const p = new Uint8Array([255, 0, 255, 255, 255, 0, 0]);
    expect(Array.from(maskFromProbabilities(p, 7, 1, 1, { threshold: 0.5, largestComponent: true }))).toEqual([0, 0, 1, 1, 1, 0, 0]);
  });
});
