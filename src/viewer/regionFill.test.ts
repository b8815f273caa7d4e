// Fill and grow on a drawn slice: a closed ring is filled inside, an open one is refused, and growing
// stops at values outside the range.
import { describe, expect, it } from 'vitest';
import { closedRegionAt, grownRegionAt } from './regionFill';

function ring(size: number, open: boolean): Uint8Array {
  const label = new Uint8Array(size * size);
  for (let y = 2; y <= 7; y++) for (let x = 2; x <= 7; x++) if (x === 2 || x === 7 || y === 2 || y === 7) label[y * size + x] = 1;
  if (open) label[2 * size + 4] = 0;
  return label;
}

describe('fill and grow on one slice', () => {
  it('fills the inside of a closed contour, and nothing when the contour is open or the click is on it', () => {
    const filled = closedRegionAt(ring(10, false), 10, 10, 4, 4);
    expect(filled && [...filled].sort((a, b) => a - b)).toEqual([3, 4, 5, 6].flatMap((y) => [3, 4, 5, 6].map((x) => y * 10 + x)));
    expect(closedRegionAt(ring(10, true), 10, 10, 4, 4)).toBeNull();
    expect(closedRegionAt(ring(10, false), 10, 10, 2, 2)).toBeNull();
  });

  it('grows over connected values within the range only', () => {
    const values = new Int16Array(25).fill(-1000);
    for (const i of [6, 7, 8, 13, 24]) values[i] = 60; // 24 is not connected
    expect([...grownRegionAt(values, 5, 5, 1, 1, [0, 150])].sort((a, b) => a - b)).toEqual([6, 7, 8, 13]);
    expect(grownRegionAt(values, 5, 5, 0, 0, [0, 150])).toHaveLength(0);
  });
});
