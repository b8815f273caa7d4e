// The plane a click tool works on in any view: the axial slice in the stack and the MPR axial pane,
// the coronal (fixed row) or sagittal (fixed column) plane in the MPR panes. A plane maps its own
// pixels (u, v), row-major, to the voxel indices of the volume (slices × height × width), so the 2-D
// region code (regionFill.ts) runs unchanged on any of the three. Pure: numbers and typed arrays.

/** 0: sagittal (fixed column), 1: coronal (fixed row), 2: axial (fixed slice). */
export type PlaneAxis = 0 | 1 | 2;

export interface Plane {
  width: number;
  height: number;
  /** Plane pixel (u, v) of the voxel [column, row, slice] on it. */
  pixelOf(voxel: readonly [number, number, number]): [number, number];
  /** Voxel index (slice · H · W + row · W + column) of plane pixel p = v · width + u. */
  voxelIndex(p: number): number;
}

/** The plane through `voxel` across `axis` of a W × H × S volume ([width, height, slices]). */
export function planeThrough(dims: readonly [number, number, number], axis: PlaneAxis, voxel: readonly [number, number, number]): Plane {
  const [W, H, S] = dims;
  const [column, row, slice] = voxel;
  if (axis === 2) {
    return { width: W, height: H, pixelOf: ([c, r]) => [c, r], voxelIndex: (p) => slice * W * H + p };
  }
  if (axis === 1) {
    return { width: W, height: S, pixelOf: ([c, , s]) => [c, s], voxelIndex: (p) => (Math.floor(p / W) * H + row) * W + (p % W) };
  }
  return { width: H, height: S, pixelOf: ([, r, s]) => [r, s], voxelIndex: (p) => (Math.floor(p / H) * H + (p % H)) * W + column };
}

/** The axis a view looks along, from its plane normal; null when the view is oblique (rotated crosshairs). */
export function axisOfNormal(normal: readonly number[]): PlaneAxis | null {
  const a = [0, 1, 2].find((i) => Math.abs(normal[i]) > 0.999);
  return a === undefined ? null : (a as PlaneAxis);
}

/** The values of `at(voxel index)` over the plane, row-major. */
export function planeValues<T extends Uint8Array | Int16Array>(plane: Plane, out: T, at: (index: number) => number): T {
  for (let p = 0; p < plane.width * plane.height; p++) out[p] = at(plane.voxelIndex(p));
  return out;
}
