// Exact squared Euclidean distance transform of a 3-D grid with anisotropic spacing
// (Felzenszwalb & Huttenlocher 2012, "Distance Transforms of Sampled Functions": the lower envelope
// of parabolas, one separable pass per axis, O(voxels)). Hand-written: no kept library has an EDT.
// Pure: typed arrays only, no DOM; never approximates (no chamfer masks, no integer rounding).

/** Stands for "no feature voxel reachable yet"; larger than any squared distance in a CT (mm²). */
export const FAR = Number.POSITIVE_INFINITY;

/**
 * In place: `grid` (d × h × w, x fastest) holds 0 at feature voxels and FAR elsewhere; afterwards
 * each voxel holds its squared distance in mm² to the nearest feature. `spacing` is [row (y),
 * column (x), slice (z)] in mm. A grid with no feature stays FAR everywhere.
 */
export function squaredDistanceTransform(grid: Float32Array, w: number, h: number, d: number, spacing: readonly [number, number, number]): void {
  if (grid.length !== w * h * d) throw new RangeError(`distance transform: ${grid.length} values for ${w}×${h}×${d}`);
  const longest = Math.max(w, h, d);
  const line = new Float64Array(longest);
  const out = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  const pass = (n: number, stride: number, starts: Iterable<number>, s: number) => {
    const s2 = s * s;
    for (const start of starts) {
      for (let i = 0; i < n; i++) line[i] = grid[start + i * stride];
      envelope(line, n, s2, out, v, z);
      for (let i = 0; i < n; i++) grid[start + i * stride] = out[i];
    }
  };
  pass(w, 1, lineStarts(h * d, (k) => k * w), spacing[1]);
  pass(h, w, lineStarts(w * d, (k) => (k % w) + Math.floor(k / w) * w * h), spacing[0]);
  pass(d, w * h, lineStarts(w * h, (k) => k), spacing[2]);
}

function* lineStarts(count: number, start: (k: number) => number): Iterable<number> {
  for (let k = 0; k < count; k++) yield start(k);
}

/** 1-D squared EDT of the sampled function f with sample spacing² s2: out[p] = min_q s2·(p−q)² + f[q]. */
function envelope(f: Float64Array, n: number, s2: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === FAR) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -FAR;
      z[1] = FAR;
      continue;
    }
    for (;;) {
      const r = v[k];
      const s = (fq + s2 * q * q - (f[r] + s2 * r * r)) / (2 * s2 * (q - r));
      if (s <= z[k]) {
        k--;
        continue;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = FAR;
      break;
    }
  }
  if (k < 0) {
    out.fill(FAR, 0, n);
    return;
  }
  k = 0;
  for (let p = 0; p < n; p++) {
    while (z[k + 1] < p) k++;
    const dq = p - v[k];
    out[p] = s2 * dq * dq + f[v[k]];
  }
}
