// Where a volume of slices sits in the patient: spacing, the first slice's position and the
// direction cosines, in DICOM's LPS millimetres, and the 4×4 voxel → RAS affine that NIfTI needs.
// Pure: numbers in, numbers out; no DOM. Never guesses silently: a volume without positions gets
// the identity orientation at the origin and `fromDicom: false`, so exports can say so.
import type { SliceHeader } from '../dicom/types';

export type Vec3 = [number, number, number];

export interface VolumeGeometry {
  width: number;
  height: number;
  slices: number;
  /** [row, column, slice] in mm. */
  spacing: [number, number, number];
  /** ImagePositionPatient of slice 0 (LPS, mm). */
  origin: Vec3;
  /** Direction (LPS) of increasing column index (along a row), and of increasing row index. */
  rowDirection: Vec3;
  columnDirection: Vec3;
  /** Direction (LPS) from slice k to slice k + 1. */
  sliceDirection: Vec3;
  /** True when origin and directions came from the DICOM headers. */
  fromDicom: boolean;
}

/** Geometry of an axial stack known only by its spacing: identity orientation at the origin. */
export function geometryFromSpacing(width: number, height: number, slices: number, spacing: [number, number, number]): VolumeGeometry {
  return { width, height, slices, spacing, origin: [0, 0, 0], rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], sliceDirection: [0, 0, 1], fromDicom: false };
}

/** Geometry of CT slices `from..to` (inclusive, in series order) from their headers. */
export function geometryFromSlices(ct: readonly SliceHeader[], from = 0, to = ct.length - 1, sliceSpacing?: number): VolumeGeometry {
  const first = ct[from];
  const last = ct[to];
  const [row, col] = first.pixelSpacing ?? [1, 1];
  const iop = first.imageOrientationPatient;
  const p0 = first.imagePositionPatient;
  const base = geometryFromSpacing(first.columns, first.rows, to - from + 1, [row, col, sliceSpacing ?? first.sliceThickness ?? 1]);
  if (!iop || iop.length !== 6 || !p0) return base;
  const rowDirection = normalise([iop[0], iop[1], iop[2]]);
  const columnDirection = normalise([iop[3], iop[4], iop[5]]);
  let sliceDirection = cross(rowDirection, columnDirection);
  let spacing = base.spacing[2];
  const pn = last.imagePositionPatient;
  if (pn && to > from) {
    const step: Vec3 = [(pn[0] - p0[0]) / (to - from), (pn[1] - p0[1]) / (to - from), (pn[2] - p0[2]) / (to - from)];
    const length = Math.hypot(...step);
    if (length > 1e-6) {
      sliceDirection = normalise(step);
      spacing = sliceSpacing ?? length;
    }
  }
  return { ...base, spacing: [row, col, spacing], origin: [...p0], rowDirection, columnDirection, sliceDirection, fromDicom: true };
}

/** Rows of the 4×4 affine from voxel (i = column, j = row, k = slice) to RAS mm (NIfTI's convention). */
export function rasAffine(g: VolumeGeometry): number[][] {
  // `+ 0` turns −0 into 0, so an axis-aligned affine prints (and compares) cleanly.
  const toRas = (v: Vec3): Vec3 => [-v[0] + 0, -v[1] + 0, v[2] + 0];
  const i = toRas(g.rowDirection).map((x) => x * g.spacing[1] + 0);
  const j = toRas(g.columnDirection).map((x) => x * g.spacing[0] + 0);
  const k = toRas(g.sliceDirection).map((x) => x * g.spacing[2] + 0);
  const t = toRas(g.origin);
  return [0, 1, 2].map((r) => [i[r], j[r], k[r], t[r]]).concat([[0, 0, 0, 1]]);
}

/** ImagePositionPatient (LPS) of slice k. */
export function slicePosition(g: VolumeGeometry, k: number): Vec3 {
  return [0, 1, 2].map((a) => g.origin[a] + k * g.spacing[2] * g.sliceDirection[a]) as Vec3;
}

function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(...v) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
