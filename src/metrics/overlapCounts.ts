// Voxel counts two overlap metrics share: |A|, |B| and |A∩B| of two binary volumes (non-zero is
// foreground). Pure, one pass, no allocation; throws only on volumes of different sizes (a bug).

export interface OverlapCounts {
  a: number;
  b: number;
  both: number;
}

export function overlapCounts(a: ArrayLike<number>, b: ArrayLike<number>): OverlapCounts {
  if (a.length !== b.length) throw new RangeError(`overlap: volumes of ${a.length} and ${b.length} voxels`);
  let na = 0;
  let nb = 0;
  let both = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x) na++;
    if (y) nb++;
    if (x && y) both++;
  }
  return { a: na, b: nb, both };
}
