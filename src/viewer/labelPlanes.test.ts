import { describe, expect, it } from 'vitest';
import { axisOfNormal, planeThrough, planeValues } from './labelPlanes';

// A 4 × 3 × 2 volume whose value is its own voxel index.
const dims = [4, 3, 2] as const;
const index = (c: number, r: number, s: number) => (s * 3 + r) * 4 + c;

describe('planeThrough', () => {
  it('axial: the slice, row-major', () => {
    const plane = planeThrough(dims, 2, [1, 2, 1]);
    expect([plane.width, plane.height]).toEqual([4, 3]);
    expect(plane.pixelOf([1, 2, 1])).toEqual([1, 2]);
    expect(plane.voxelIndex(2 * 4 + 1)).toBe(index(1, 2, 1));
  });
  it('coronal: columns across, slices down, at the clicked row', () => {
    const plane = planeThrough(dims, 1, [3, 1, 0]);
    expect([plane.width, plane.height]).toEqual([4, 2]);
    expect(plane.pixelOf([2, 1, 1])).toEqual([2, 1]);
    expect(plane.voxelIndex(1 * 4 + 2)).toBe(index(2, 1, 1));
  });
  it('sagittal: rows across, slices down, at the clicked column', () => {
    const plane = planeThrough(dims, 0, [3, 1, 0]);
    expect([plane.width, plane.height]).toEqual([3, 2]);
    expect(plane.pixelOf([3, 2, 1])).toEqual([2, 1]);
    expect(plane.voxelIndex(1 * 3 + 2)).toBe(index(3, 2, 1));
  });
  it('reads every voxel of the plane once', () => {
    const values = planeValues(planeThrough(dims, 0, [2, 0, 0]), new Int16Array(6), (i) => i);
    expect(Array.from(values)).toEqual([index(2, 0, 0), index(2, 1, 0), index(2, 2, 0), index(2, 0, 1), index(2, 1, 1), index(2, 2, 1)]);
  });
});

describe('axisOfNormal', () => {
  it('names the axis a view looks along, null when oblique', () => {
    expect(axisOfNormal([0, 0, -1])).toBe(2);
    expect(axisOfNormal([0, 1, 0])).toBe(1);
    expect(axisOfNormal([-1, 0, 0])).toBe(0);
    expect(axisOfNormal([0.7, 0.7, 0])).toBeNull();
  });
});
