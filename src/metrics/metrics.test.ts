// The metrics a user reads in the viewer and the CLI, on volumes whose answers can be worked out by
// hand: cubes, spheres, single voxels far apart on anisotropic grids, empty masks, and (for the
// Hausdorff distance) a brute-force check over every pair of surface voxels.
import { describe, expect, it } from 'vitest';
import { diceCoefficient, hausdorff95, iou, largestConnectedComponent, patientMetrics, percentile, squaredDistanceTransform, volumeMl } from './index';

type Vec3 = [number, number, number];

function volume(w: number, h: number, d: number, inside: (x: number, y: number, z: number) => boolean): Uint8Array {
  const out = new Uint8Array(w * h * d);
  for (let z = 0, i = 0; z < d; z++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++, i++) out[i] = inside(x, y, z) ? 1 : 0;
  return out;
}

const cube = (lo: Vec3, size: number) => (x: number, y: number, z: number) =>
  x >= lo[0] && x < lo[0] + size && y >= lo[1] && y < lo[1] + size && z >= lo[2] && z < lo[2] + size;

describe('diceCoefficient and iou', () => {
  it('a 2³ cube and the same cube moved one voxel sideways share half their voxels', () => {
    const a = volume(6, 6, 6, cube([1, 1, 1], 2));
    const b = volume(6, 6, 6, cube([2, 1, 1], 2));
    expect(diceCoefficient(a, b)).toBe(0.5);
    expect(iou(a, b)).toBeCloseTo(1 / 3, 12);
    expect(diceCoefficient(a, a)).toBe(1);
  });
  it('empty masks: null when both are empty, 0 when only one is', () => {
    const empty = new Uint8Array(27);
    const one = new Uint8Array(27).fill(1, 3, 4);
    expect(diceCoefficient(empty, empty)).toBeNull();
    expect(iou(empty, empty)).toBeNull();
    expect(diceCoefficient(empty, one)).toBe(0);
    expect(iou(one, empty)).toBe(0);
  });
});

describe('volumeMl', () => {
  it('1000 voxels of 0.5 × 0.5 × 2 mm are half a millilitre', () => {
    expect(volumeMl(new Uint8Array(1000).fill(1), [0.5, 0.5, 2])).toBeCloseTo(0.5, 12);
  });
  it('a voxelised sphere of radius 20 mm is within 2% of 4/3·π·r³', () => {
    const r = 20;
    const s = volume(44, 44, 44, (x, y, z) => (x - 21.5) ** 2 + (y - 21.5) ** 2 + (z - 21.5) ** 2 <= r * r);
    const exact = ((4 / 3) * Math.PI * r ** 3) / 1000;
    expect(Math.abs(volumeMl(s, [1, 1, 1]) - exact) / exact).toBeLessThan(0.02);
  });
});

describe('hausdorff95', () => {
  it('is 0 for identical volumes and null when either is empty', () => {
    const a = volume(8, 8, 8, cube([2, 2, 2], 3));
    expect(hausdorff95(a, a, 8, 8, 8, [1, 1, 1])).toBe(0);
    expect(hausdorff95(a, new Uint8Array(a.length), 8, 8, 8, [1, 1, 1])).toBeNull();
    expect(hausdorff95(new Uint8Array(a.length), new Uint8Array(a.length), 8, 8, 8, [1, 1, 1])).toBeNull();
  });
  it('two single voxels: the distance in mm along each axis honours anisotropic spacing', () => {
    const at = (p: Vec3) => volume(5, 4, 6, (x, y, z) => x === p[0] && y === p[1] && z === p[2]);
    // spacing [row 0.7, column 2, slice 2.5]
    expect(hausdorff95(at([0, 0, 0]), at([3, 0, 0]), 5, 4, 6, [0.7, 2, 2.5])).toBeCloseTo(6, 5);
    expect(hausdorff95(at([0, 0, 0]), at([0, 3, 0]), 5, 4, 6, [0.7, 2, 2.5])).toBeCloseTo(2.1, 5);
    expect(hausdorff95(at([0, 0, 0]), at([0, 0, 4]), 5, 4, 6, [0.7, 2, 2.5])).toBeCloseTo(10, 5);
    expect(hausdorff95(at([1, 1, 1]), at([4, 3, 5]), 5, 4, 6, [0.7, 2, 2.5])).toBeCloseTo(Math.hypot(6, 1.4, 10), 5);
  });
  it('concentric spheres of radii 12 and 8 mm: every surface is about 4 mm from the other', () => {
    const c = 15.5;
    const sphere = (r: number) => volume(32, 32, 32, (x, y, z) => (x - c) ** 2 + (y - c) ** 2 + (z - c) ** 2 <= r * r);
    const hd = hausdorff95(sphere(12), sphere(8), 32, 32, 32, [1, 1, 1])!;
    expect(hd).toBeGreaterThan(3.5);
    expect(hd).toBeLessThan(5);
  });
  it('equals a brute-force 95th percentile over every surface pair, on random blobs with anisotropic spacing', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const [w, h, d] = [13, 11, 7];
    const spacing: Vec3 = [0.7, 0.8, 2.5];
    const blob = () => {
      const centres = Array.from({ length: 3 }, () => [random() * w, random() * h, random() * d, 1.5 + random() * 3]);
      return volume(w, h, d, (x, y, z) => centres.some(([cx, cy, cz, r]) => ((x - cx) * 0.8) ** 2 + ((y - cy) * 0.7) ** 2 + ((z - cz) * 2.5) ** 2 <= (r * 1.6) ** 2));
    };
    for (let trial = 0; trial < 4; trial++) {
      const a = blob();
      const b = blob();
      expect(hausdorff95(a, b, w, h, d, spacing)).toBeCloseTo(bruteForceHd95(a, b, w, h, d, spacing)!, 6);
    }
  });
});

describe('squaredDistanceTransform', () => {
  it('matches brute force on a random 9×7×5 grid with anisotropic spacing', () => {
    const [w, h, d] = [9, 7, 5];
    const s: Vec3 = [1.3, 0.6, 2.2];
    const grid = new Float32Array(w * h * d).fill(Infinity);
    const features: Vec3[] = [[1, 1, 0], [8, 6, 4], [4, 2, 2]];
    for (const [x, y, z] of features) grid[(z * h + y) * w + x] = 0;
    squaredDistanceTransform(grid, w, h, d, s);
    for (let z = 0, i = 0; z < d; z++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++, i++) {
          const best = Math.min(...features.map(([fx, fy, fz]) => ((x - fx) * s[1]) ** 2 + ((y - fy) * s[0]) ** 2 + ((z - fz) * s[2]) ** 2));
          expect(grid[i]).toBeCloseTo(best, 4);
        }
  });
});

describe('largestConnectedComponent (26-connectivity)', () => {
  it('keeps the 3³ cube and drops the 2³ one; a corner contact joins them', () => {
    const apart = volume(10, 10, 10, (x, y, z) => cube([0, 0, 0], 2)(x, y, z) || cube([5, 5, 5], 3)(x, y, z));
    const kept = largestConnectedComponent(apart, 10, 10, 10);
    expect(kept).toEqual(volume(10, 10, 10, cube([5, 5, 5], 3)));
    const touching = volume(10, 10, 10, (x, y, z) => cube([0, 0, 0], 2)(x, y, z) || cube([2, 2, 2], 3)(x, y, z));
    expect(largestConnectedComponent(touching, 10, 10, 10)).toEqual(touching);
    expect(largestConnectedComponent(new Uint8Array(8), 2, 2, 2)).toEqual(new Uint8Array(8));
  });
});

describe('patientMetrics', () => {
  it('without ground truth: prediction volume only, and the reason', () => {
    const m = patientMetrics(new Uint8Array(8).fill(1), null, 2, 2, 2, [1, 1, 1]);
    expect(m).toEqual({ dice: null, iou: null, hausdorff95Mm: null, predictedMl: 0.008, trueMl: null, reason: 'no ground truth for this patient' });
  });
});

function bruteForceHd95(a: Uint8Array, b: Uint8Array, w: number, h: number, d: number, s: Vec3): number | null {
  const surface = (m: Uint8Array): Vec3[] => {
    const out: Vec3[] = [];
    const at = (x: number, y: number, z: number) => (x < 0 || y < 0 || z < 0 || x >= w || y >= h || z >= d ? 0 : m[(z * h + y) * w + x]);
    for (let z = 0; z < d; z++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          if (!at(x, y, z)) continue;
          if (!at(x - 1, y, z) || !at(x + 1, y, z) || !at(x, y - 1, z) || !at(x, y + 1, z) || !at(x, y, z - 1) || !at(x, y, z + 1)) out.push([x, y, z]);
        }
    return out;
  };
  const sa = surface(a);
  const sb = surface(b);
  if (!sa.length || !sb.length) return null;
  const dist = (p: Vec3, q: Vec3) => Math.hypot((p[0] - q[0]) * s[1], (p[1] - q[1]) * s[0], (p[2] - q[2]) * s[2]);
  const all = [...sa.map((p) => Math.min(...sb.map((q) => dist(p, q)))), ...sb.map((p) => Math.min(...sa.map((q) => dist(p, q))))];
  return percentile(Float64Array.from(all), 95);
}
