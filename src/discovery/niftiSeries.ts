// A NIfTI volume as the axial series the rest of LiverLab reads (the DICOM slices' shape): its voxel
// axes turned, by permutation and reversal only (never resampled), so that columns run towards the
// patient's left, rows towards the back and slices upwards, as a 3D-IRCADb DICOM series does; each
// slice's position, orientation and spacing come from the file's affine (voxel → RAS, made LPS). A
// CT volume gives Hounsfield units (stored × scl_slope + scl_inter, rounded); a label volume gives
// masks whose voxels > 0 are the organ (LiTS and the Decathlon: 1 liver, 2 tumour), as 0/255.
// So the same scan opens to the same images from DICOM or NIfTI.
// Pure: typed arrays only.
import type { DicomSlice, SliceHeader } from '../dicom/types';
import type { NiftiHeader, NiftiVolume } from '../nifti/readNifti';

type Vec3 = [number, number, number];

/** How a volume's voxel axes (0 = i, 1 = j, 2 = k) become columns, rows and slices. */
export interface AxialLayout {
  /** The voxel axis along columns, rows, slices. */
  axes: [number, number, number];
  /** Whether each of them runs backwards. */
  reversed: [boolean, boolean, boolean];
  columns: number;
  rows: number;
  slices: number;
  /** Column, row and slice spacing in mm. */
  spacing: Vec3;
  /** LPS mm of the first column's first row in slice 0. */
  origin: Vec3;
  /** LPS unit directions of increasing column, row and slice. */
  directions: [Vec3, Vec3, Vec3];
}

/** The axial layout of a volume from its header's affine. */
export function axialLayout(header: Pick<NiftiHeader, 'dims' | 'affine'>): AxialLayout {
  const a = header.affine;
  // RAS → LPS: x and y change sign.
  const lps = (row: number, col: number) => (row < 2 ? -a[row][col] : a[row][col]) + 0;
  const axisVector = (axis: number): Vec3 => [lps(0, axis), lps(1, axis), lps(2, axis)];
  const length = [0, 1, 2].map((axis) => Math.hypot(...axisVector(axis)));
  const unit = [0, 1, 2].map((axis) => axisVector(axis).map((v) => v / length[axis]) as Vec3);
  const sliceAxis = argmax([0, 1, 2], (axis) => Math.abs(unit[axis][2]));
  const inPlane = [0, 1, 2].filter((axis) => axis !== sliceAxis);
  const columnAxis = argmax(inPlane, (axis) => Math.abs(unit[axis][0]));
  const rowAxis = inPlane.find((axis) => axis !== columnAxis) as number;
  const axes: [number, number, number] = [columnAxis, rowAxis, sliceAxis];
  const reversed = axes.map((axis, out) => unit[axis][out] < 0) as [boolean, boolean, boolean];
  const directions = axes.map((axis, out) => unit[axis].map((v) => (reversed[out] ? -v : v) + 0)) as [Vec3, Vec3, Vec3];
  // The first output voxel is the input voxel at the far end of each reversed axis.
  const start = [0, 0, 0];
  axes.forEach((axis, out) => (start[axis] = reversed[out] ? header.dims[axis] - 1 : 0));
  const origin = [0, 1, 2].map((row) => lps(row, 0) * start[0] + lps(row, 1) * start[1] + lps(row, 2) * start[2] + lps(row, 3)) as Vec3;
  return {
    axes,
    reversed,
    columns: header.dims[columnAxis],
    rows: header.dims[rowAxis],
    slices: header.dims[sliceAxis],
    spacing: axes.map((axis) => length[axis]) as Vec3,
    origin,
    directions,
  };
}

/** The DICOM-shaped header of slice `s` (no pixels): position, orientation and spacing from the layout. */
export function niftiSliceHeader(layout: AxialLayout, s: number, kind: 'ct' | 'label'): SliceHeader {
  const [row, column, slice] = layout.directions;
  const position = [0, 1, 2].map((i) => layout.origin[i] + s * layout.spacing[2] * slice[i] + 0) as Vec3;
  return {
    instanceNumber: s,
    rows: layout.rows,
    columns: layout.columns,
    pixelSpacing: [layout.spacing[1], layout.spacing[0]],
    sliceThickness: layout.spacing[2],
    imagePositionPatient: position,
    imageOrientationPatient: [...row, ...column],
    seriesInstanceUid: null,
    sopInstanceUid: null,
    studyInstanceUid: null,
    modality: kind === 'ct' ? 'CT' : null,
    patientName: null,
    transferSyntaxUid: '',
    bitsAllocated: kind === 'ct' ? 16 : 8,
    bitsStored: kind === 'ct' ? 16 : 8,
    pixelRepresentation: kind === 'ct' ? 1 : 0,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: 1,
    rescaleIntercept: 0,
    pixelPaddingValue: null,
    windowCenter: null,
    windowWidth: null,
  };
}

/** Every slice's header of a volume (what a scan needs of a CT volume). */
export function niftiSliceHeaders(header: Pick<NiftiHeader, 'dims' | 'affine'>, kind: 'ct' | 'label'): SliceHeader[] {
  const layout = axialLayout(header);
  return Array.from({ length: layout.slices }, (_, s) => niftiSliceHeader(layout, s, kind));
}

/**
 * Slice `s` of the volume, rows × columns: Hounsfield units (int16, rounded and clamped) for a CT,
 * 255 where the label is > 0 (else 0) for a label volume.
 */
export function niftiSlicePixels(volume: NiftiVolume, layout: AxialLayout, s: number, kind: 'ct' | 'label'): Int16Array | Uint8Array {
  const [di, dj] = volume.dims;
  const strides = [1, di, di * dj];
  const dims = [layout.columns, layout.rows, layout.slices];
  const step = layout.axes.map((axis, out) => (layout.reversed[out] ? -strides[axis] : strides[axis]));
  let at = layout.axes.reduce((sum, axis, out) => sum + (layout.reversed[out] ? (dims[out] - 1) * strides[axis] : 0), 0) + s * step[2];
  const { voxels, slope, intercept } = volume;
  const out = kind === 'ct' ? new Int16Array(layout.rows * layout.columns) : new Uint8Array(layout.rows * layout.columns);
  let o = 0;
  for (let r = 0; r < layout.rows; r++, at += step[1]) {
    for (let c = 0, v = at; c < layout.columns; c++, v += step[0]) {
      const stored = voxels[v];
      out[o++] = kind === 'ct' ? clampInt16(Math.round(stored * slope + intercept)) : stored > 0 ? 255 : 0;
    }
  }
  return out;
}

/** The whole volume as slices with pixels, in the axial layout. */
export function niftiSlices(volume: NiftiVolume, kind: 'ct' | 'label'): DicomSlice[] {
  const layout = axialLayout(volume);
  return Array.from({ length: layout.slices }, (_, s) => ({ ...niftiSliceHeader(layout, s, kind), pixels: niftiSlicePixels(volume, layout, s, kind) }));
}

/** Why a label volume does not belong to its CT volume (another shape or affine), or null when it does. */
export function labelMismatch(ct: Pick<NiftiHeader, 'dims' | 'affine'>, label: Pick<NiftiHeader, 'dims' | 'affine'>): string | null {
  if (ct.dims.some((d, i) => d !== label.dims[i])) return `${label.dims.join('×')} voxels where the CT volume has ${ct.dims.join('×')}`;
  const worst = Math.max(...[0, 1, 2].flatMap((r) => [0, 1, 2, 3].map((c) => Math.abs(ct.affine[r][c] - label.affine[r][c]))));
  if (worst > 1e-3) {
    const show = (m: number[][]) => m.slice(0, 3).map((row) => row.map((v) => +v.toFixed(3)).join(' ')).join('; ');
    return `another affine than the CT volume's (label [${show(label.affine)}], CT [${show(ct.affine)}]): its voxels are not the CT's`;
  }
  return null;
}

function argmax(values: number[], score: (value: number) => number): number {
  return values.reduce((best, v) => (score(v) > score(best) ? v : best), values[0]);
}

function clampInt16(v: number): number {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}
