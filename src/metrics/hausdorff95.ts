// The 95th-percentile Hausdorff distance in mm between two binary volumes, as MedPy's `hd95`:
// surfaces are the foreground voxels with a 6-neighbour in the background (or on the volume's
// edge); every surface voxel of A gets its exact distance to B's surface and vice versa, and the
// 95th percentile (numpy's linear interpolation) of all those distances pooled is the answer.
// Distances use the exact EDT (distanceTransform.ts) over the union's bounding box only.
// Pure: typed arrays only; never returns a number when either volume is empty (null instead).
import { FAR, squaredDistanceTransform } from './distanceTransform';
import type { Spacing } from './volumeMl';

export interface Box {
  x0: number;
  y0: number;
  z0: number;
  w: number;
  h: number;
  d: number;
}

/** Both volumes are d × h × w (x fastest); spacing [row, column, slice] mm. */
export function hausdorff95(a: ArrayLike<number>, b: ArrayLike<number>, w: number, h: number, d: number, spacing: Spacing): number | null {
  const distances = surfaceDistances(a, b, w, h, d, spacing);
  return distances === null ? null : percentile(distances, 95);
}

/** Distances (mm) from each surface voxel of A to B's surface, then of B to A's; null when either is empty. */
export function surfaceDistances(a: ArrayLike<number>, b: ArrayLike<number>, w: number, h: number, d: number, spacing: Spacing): Float64Array | null {
  if (a.length !== w * h * d || b.length !== w * h * d) throw new RangeError(`hausdorff95: volumes of ${a.length} and ${b.length} voxels for ${w}×${h}×${d}`);
  const box = unionBox(a, b, w, h, d);
  if (!box) return null;
  const surfaceA = surfaceIn(a, w, h, d, box);
  const surfaceB = surfaceIn(b, w, h, d, box);
  const countA = count(surfaceA);
  const countB = count(surfaceB);
  if (countA === 0 || countB === 0) return null;
  const out = new Float64Array(countA + countB);
  const n = sampleDistances(surfaceB, surfaceA, box, spacing, out, 0);
  sampleDistances(surfaceA, surfaceB, box, spacing, out, n);
  return out;
}

/** q-th percentile with linear interpolation between order statistics (numpy's default). Sorts `values`. */
export function percentile(values: Float64Array, q: number): number {
  values.sort();
  const pos = ((values.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return values[lo] + (values[hi] - values[lo]) * (pos - lo);
}

/** Exact distance from each voxel of `from` to the nearest voxel of `to` (both box-sized 0/1 grids). */
function sampleDistances(to: Uint8Array, from: Uint8Array, box: Box, spacing: Spacing, out: Float64Array, at: number): number {
  const grid = new Float32Array(to.length);
  for (let i = 0; i < to.length; i++) grid[i] = to[i] ? 0 : FAR;
  squaredDistanceTransform(grid, box.w, box.h, box.d, spacing);
  for (let i = 0; i < from.length; i++) if (from[i]) out[at++] = Math.sqrt(grid[i]);
  return at;
}

/** Smallest box holding every foreground voxel of either volume, or null when both are empty. */
export function unionBox(a: ArrayLike<number>, b: ArrayLike<number>, w: number, h: number, d: number): Box | null {
  let x0 = w;
  let y0 = h;
  let z0 = d;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  for (let z = 0, i = 0; z < d; z++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++, i++) {
        if (a[i] === 0 && b[i] === 0) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        if (z < z0) z0 = z;
        if (z > z1) z1 = z;
      }
  return x1 < 0 ? null : { x0, y0, z0, w: x1 - x0 + 1, h: y1 - y0 + 1, d: z1 - z0 + 1 };
}

/** The surface voxels of `mask` inside `box`, as a box-sized 0/1 grid (neighbours read from the whole volume). */
function surfaceIn(mask: ArrayLike<number>, w: number, h: number, d: number, box: Box): Uint8Array {
  const out = new Uint8Array(box.w * box.h * box.d);
  const plane = w * h;
  for (let z = 0, j = 0; z < box.d; z++)
    for (let y = 0; y < box.h; y++)
      for (let x = 0; x < box.w; x++, j++) {
        const gx = x + box.x0;
        const gy = y + box.y0;
        const gz = z + box.z0;
        const i = gz * plane + gy * w + gx;
        if (mask[i] === 0) continue;
        const edge =
          gx === 0 || gy === 0 || gz === 0 || gx === w - 1 || gy === h - 1 || gz === d - 1 ||
          mask[i - 1] === 0 || mask[i + 1] === 0 || mask[i - w] === 0 || mask[i + w] === 0 || mask[i - plane] === 0 || mask[i + plane] === 0;
        if (edge) out[j] = 1;
      }
  return out;
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
