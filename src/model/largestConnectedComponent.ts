// Keeps only the largest 3-D connected component of a binary volume: the usual clean-up of a
// liver prediction (the liver is one organ; islands are false positives). Connectivity is 26
// (faces, edges and corners), MONAI's KeepLargestConnectedComponent default. Ties go to the
// component met first in memory order. Pure: typed arrays only, one flood fill with an explicit
// queue (no recursion, no per-voxel objects); never changes its input.

/** A new 0/1 volume (d × h × w, x fastest) with only the largest 26-connected component of `mask`. */
export function largestConnectedComponent(mask: ArrayLike<number>, w: number, h: number, d: number): Uint8Array {
  const n = w * h * d;
  if (mask.length !== n) throw new RangeError(`largestConnectedComponent: ${mask.length} voxels for ${w}×${h}×${d}`);
  const seen = new Uint8Array(n);
  let foreground = 0;
  for (let i = 0; i < n; i++) if (mask[i] !== 0) foreground++;
  const out = new Uint8Array(n);
  if (foreground === 0) return out;
  const queue = new Int32Array(foreground);
  let bestSeed = -1;
  let bestSize = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] === 0 || seen[i]) continue;
    const size = flood(mask, seen, queue, i, w, h, d);
    if (size > bestSize) {
      bestSize = size;
      bestSeed = i;
    }
  }
  // Second fill from the winner's seed, marking into `out` instead of `seen`.
  flood(mask, out, queue, bestSeed, w, h, d);
  return out;
}

/** Breadth-first fill of the component holding `seed`, setting `mark` to 1; returns its size. */
function flood(mask: ArrayLike<number>, mark: Uint8Array, queue: Int32Array, seed: number, w: number, h: number, d: number): number {
  const plane = w * h;
  let head = 0;
  let tail = 0;
  queue[tail++] = seed;
  mark[seed] = 1;
  while (head < tail) {
    const i = queue[head++];
    const z = Math.floor(i / plane);
    const y = Math.floor((i - z * plane) / w);
    const x = i - z * plane - y * w;
    for (let dz = -1; dz <= 1; dz++) {
      const zz = z + dz;
      if (zz < 0 || zz >= d) continue;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = zz * plane + yy * w + xx;
          if (mask[j] === 0 || mark[j]) continue;
          mark[j] = 1;
          queue[tail++] = j;
        }
      }
    }
  }
  return tail;
}
