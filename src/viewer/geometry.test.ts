// The viewer's world as the probe and the orientation markers read it, on hand-made geometry.
import { describe, expect, it } from 'vitest';
import { probeAt, voxelAt } from './probe';
import { markersFromAxes } from './orientation';
import type { ViewerVolume } from './types';

describe('probeAt', () => {
  const volume: ViewerVolume = {
    name: 'tiny', width: 3, height: 2, slices: 2, spacing: [0.5, 0.75, 2], kind: 'hu',
    pixels: Int16Array.from([0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105]),
  };
  it('reads the voxel whose centre is nearest, in mm of the LPS world', () => {
    // column 2 (x = 1.5 mm), row 1 (y = 0.5 mm), slice 1 (z = 2 mm); 0.3 mm off each centre.
    expect(probeAt(volume, [1.5 + 0.3, 0.5 - 0.2, 2.3])).toEqual({ column: 2, row: 1, slice: 1, position: [1.5, 0.5, 2], value: 105 });
    expect(probeAt(volume, [0, 0, 0])?.value).toBe(0);
  });
  it('is null outside the volume', () => {
    expect(voxelAt(volume, [-0.5, 0, 0])).toBeNull();
    expect(voxelAt(volume, [0, 0, 3.1])).toBeNull();
    expect(voxelAt(volume, [2.3, 0, 0])).toBeNull();
  });
});

describe('markersFromAxes', () => {
  it('an axial view as radiologists read it: patient right on the screen left, anterior up', () => {
    expect(markersFromAxes([[2, 0], [0, 2], [0, 0]])).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
  });
  it('a coronal view with superior up, and the same view flipped left-right', () => {
    expect(markersFromAxes([[1, 0], [0, 0], [0, -1]])).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    expect(markersFromAxes([[-1, 0], [0, 0], [0, -1]])).toEqual({ left: 'L', right: 'R', top: 'S', bottom: 'I' });
  });
  it('a sagittal view: anterior on the left', () => {
    expect(markersFromAxes([[0, 0], [1, 0], [0, -1]])).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });
});
