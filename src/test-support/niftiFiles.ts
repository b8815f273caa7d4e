// NIfTI files written by tests from a DICOM series, laid out the ways NIfTI files come (the axes in
// any order, any of them reversed, int16 or uint16 with an intercept), with the affine that puts every
// voxel where the DICOM headers put it. A minimal NIfTI-1 writer (sform only), independent of the
// reader under test (nifti-reader-js) and of the app's label writer (export/nifti.ts).
// Test support only: never imported by production code.
import { gzipSync } from 'fflate';
import type { SliceHeader } from '../dicom/types';
import { geometryFromSlices } from '../export/geometry';
import { toHounsfield } from '../pipeline/hounsfield';
import type { PixelArray } from '../common/types';

/** A slice's Hounsfield units (the pipeline's toHounsfield), for tests below the pipeline's layer. */
export function huOf(slice: { pixels: PixelArray; rescaleSlope: number; rescaleIntercept: number }, out?: Int16Array): Int16Array {
  return toHounsfield(slice.pixels, slice.rescaleSlope, slice.rescaleIntercept, out);
}

/** Which DICOM axis each NIfTI axis (i, j, k) runs along, and whether backwards. */
export interface NiftiAxes {
  along: ['column' | 'row' | 'slice', 'column' | 'row' | 'slice', 'column' | 'row' | 'slice'];
  reversed: [boolean, boolean, boolean];
}

export const AS_DICOM: NiftiAxes = { along: ['column', 'row', 'slice'], reversed: [false, false, false] };

export interface NiftiOut {
  dims: [number, number, number];
  /** Rows of the voxel → RAS affine. */
  affine: number[][];
  data: Int16Array | Uint16Array | Uint8Array;
}

/**
 * A volume of slices (slices × rows × columns, in the series' order) as NIfTI voxels laid out by
 * `axes`, values mapped by `value`, with the affine from the headers' geometry.
 */
export function niftiFromSeries<T extends Int16Array | Uint16Array | Uint8Array>(
  ct: readonly SliceHeader[],
  volume: ArrayLike<number>,
  axes: NiftiAxes,
  make: (n: number) => T,
  value: (v: number) => number = (v) => v,
): NiftiOut & { data: T } {
  const g = geometryFromSlices(ct);
  const size = { column: g.width, row: g.height, slice: g.slices };
  const spacing = { column: g.spacing[1], row: g.spacing[0], slice: g.spacing[2] };
  const direction = { column: g.rowDirection, row: g.columnDirection, slice: g.sliceDirection };
  const dims = axes.along.map((d) => size[d]) as [number, number, number];
  const lps = [0, 1, 2].map((r) => [0, 0, 0, g.origin[r]]);
  axes.along.forEach((d, a) => {
    const sign = axes.reversed[a] ? -1 : 1;
    for (let r = 0; r < 3; r++) {
      lps[r][a] = sign * spacing[d] * direction[d][r];
      if (axes.reversed[a]) lps[r][3] += (size[d] - 1) * spacing[d] * direction[d][r];
    }
  });
  const affine = lps.map((row, r) => (r < 2 ? row.map((v) => -v + 0) : row)).concat([[0, 0, 0, 1]]);
  const data = make(dims[0] * dims[1] * dims[2]);
  const at = { column: 0, row: 0, slice: 0 };
  for (at.slice = 0; at.slice < g.slices; at.slice++) {
    for (at.row = 0; at.row < g.height; at.row++) {
      for (at.column = 0; at.column < g.width; at.column++) {
        const x = axes.along.map((d, a) => (axes.reversed[a] ? size[d] - 1 - at[d] : at[d]));
        data[x[0] + dims[0] * (x[1] + dims[1] * x[2])] = value(volume[(at.slice * g.height + at.row) * g.width + at.column]);
      }
    }
  }
  return { dims, affine, data };
}

const DATATYPE = { Uint8Array: [2, 8], Int16Array: [4, 16], Uint16Array: [512, 16] } as const;

/** NIfTI-1 single file (.nii.gz when `gzip`), sform only; `dims4`: extra dimensions (e.g. [2] for a 4-D file). */
export function writeTestNifti(v: NiftiOut, opts: { slope?: number; intercept?: number; gzip?: boolean; dims4?: number[] } = {}): Uint8Array {
  const [code, bits] = DATATYPE[v.data.constructor.name as keyof typeof DATATYPE];
  const extra = opts.dims4 ?? [];
  const bytes = new Uint8Array(352 + v.data.byteLength * (extra.reduce((a, b) => a * b, 1)));
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 348, true);
  [3 + extra.length, ...v.dims, ...extra].forEach((d, i) => view.setInt16(40 + 2 * i, d, true));
  for (let i = 4 + extra.length; i < 8; i++) view.setInt16(40 + 2 * i, 1, true);
  view.setInt16(70, code, true);
  view.setInt16(72, bits, true);
  [1, ...[0, 1, 2].map((c) => Math.hypot(v.affine[0][c], v.affine[1][c], v.affine[2][c]))].forEach((d, i) => view.setFloat32(76 + 4 * i, d, true));
  view.setFloat32(108, 352, true);
  view.setFloat32(112, opts.slope ?? 1, true);
  view.setFloat32(116, opts.intercept ?? 0, true);
  bytes[123] = 2; // mm
  view.setInt16(252, 0, true); // qform_code
  view.setInt16(254, 1, true); // sform_code: scanner
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) view.setFloat32(280 + 16 * r + 4 * c, v.affine[r][c], true);
  bytes.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  const voxels = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
  for (let at = 352; at < bytes.length; at += voxels.length) bytes.set(voxels, at);
  return opts.gzip === false ? bytes : gzipSync(bytes, { level: 1 });
}
