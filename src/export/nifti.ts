// NIfTI-1 (.nii.gz): a hand-written 348-byte header (no kept library writes NIfTI; the format is one
// fixed struct) with both sform and qform set to the voxel → RAS affine from the DICOM geometry
// (LPS → RAS: x and y negated), gzip by fflate. Opens the right way round in nibabel, ITK-SNAP and
// 3D Slicer. Two kinds of volume: uint8 labels (masks, predictions) and int16 images (CT in HU, for
// the MSD export); `niftiGzipChunks` writes either slice by slice, so a whole CT never has to be one
// array. Also a reader of the uint8 labels, for tests and for reading exports back.
// Pure: typed arrays only; runs in Node, workers and the tab.
import { Gzip, gunzipSync, gzipSync } from 'fflate';
import { rasAffine, type VolumeGeometry } from './geometry';

const HEADER_BYTES = 348;
const VOX_OFFSET = 352;
const DT_UINT8 = 2;
const DT_INT16 = 4;
const NIFTI_INTENT_NONE = 0;
const NIFTI_INTENT_LABEL = 1002;
const NIFTI_XFORM_SCANNER_ANAT = 1;
const UNITS_MM = 2;

/** What a volume's voxels are: 0/1… labels (uint8, intent "label") or CT numbers (int16, no intent). */
export type NiftiKind = 'labels' | 'int16';

/** The 352 bytes before the voxels (header + empty extension), for a volume of this kind and geometry. */
export function niftiHeader(g: VolumeGeometry, kind: NiftiKind, description: string): Uint8Array {
  const bytes = new Uint8Array(VOX_OFFSET);
  const view = new DataView(bytes.buffer);
  const i16 = (o: number, v: number) => view.setInt16(o, v, true);
  const f32 = (o: number, v: number) => view.setFloat32(o, v, true);
  const labels = kind === 'labels';
  view.setInt32(0, HEADER_BYTES, true);
  bytes[38] = 'r'.charCodeAt(0);
  [3, g.width, g.height, g.slices, 1, 1, 1, 1].forEach((v, k) => i16(40 + 2 * k, v));
  i16(68, labels ? NIFTI_INTENT_LABEL : NIFTI_INTENT_NONE);
  i16(70, labels ? DT_UINT8 : DT_INT16);
  i16(72, labels ? 8 : 16);
  const affine = rasAffine(g);
  const { quaternion, offset, qfac } = toQuaternion(affine);
  [qfac, g.spacing[1], g.spacing[0], g.spacing[2], 0, 0, 0, 0].forEach((v, k) => f32(76 + 4 * k, v));
  f32(108, VOX_OFFSET);
  f32(112, 1);
  f32(116, 0);
  bytes[123] = UNITS_MM;
  f32(124, 1);
  f32(128, 0);
  writeAscii(bytes, 148, 80, description);
  i16(252, NIFTI_XFORM_SCANNER_ANAT);
  i16(254, NIFTI_XFORM_SCANNER_ANAT);
  quaternion.forEach((v, k) => f32(256 + 4 * k, v));
  offset.forEach((v, k) => f32(268 + 4 * k, v));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) f32(280 + 16 * r + 4 * c, affine[r][c]);
  writeAscii(bytes, 328, 16, labels ? 'liver' : 'CT');
  writeAscii(bytes, 344, 4, 'n+1');
  return bytes;
}

/** `labels` is slices × height × width (x fastest), which is NIfTI's own voxel order. */
export function writeNifti(labels: Uint8Array, g: VolumeGeometry, description = 'LiverLab liver segmentation'): Uint8Array {
  const n = g.width * g.height * g.slices;
  if (labels.length !== n) throw new RangeError(`writeNifti: ${labels.length} labels for ${g.width}×${g.height}×${g.slices}`);
  const bytes = new Uint8Array(VOX_OFFSET + n);
  bytes.set(niftiHeader(g, 'labels', description));
  bytes.set(labels, VOX_OFFSET);
  return gzipSync(bytes, { level: 6 });
}

/**
 * A .nii.gz written slice by slice: `slices` yields each slice's voxels (height × width, x fastest;
 * Uint8Array for labels, Int16Array for int16) in order; the gzip stream's chunks are yielded as they
 * come, so the caller can write them out before the next slice is read. Little-endian, as the header says.
 */
export async function* niftiGzipChunks(
  g: VolumeGeometry,
  kind: NiftiKind,
  slices: AsyncIterable<Uint8Array | Int16Array> | Iterable<Uint8Array | Int16Array>,
  description: string,
  level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6,
): AsyncGenerator<Uint8Array> {
  const pending: Uint8Array[] = [];
  const gzip = new Gzip({ level }, (chunk) => pending.push(chunk));
  gzip.push(niftiHeader(g, kind, description));
  const px = g.width * g.height;
  let count = 0;
  for await (const slice of slices) {
    if (slice.length !== px) throw new RangeError(`niftiGzipChunks: slice ${count} has ${slice.length} voxels, expected ${g.width}×${g.height}`);
    if ((kind === 'labels') !== slice instanceof Uint8Array) throw new TypeError(`niftiGzipChunks: a ${kind} volume takes ${kind === 'labels' ? 'Uint8Array' : 'Int16Array'} slices`);
    gzip.push(littleEndianBytes(slice));
    count++;
    yield* pending.splice(0);
  }
  if (count !== g.slices) throw new RangeError(`niftiGzipChunks: ${count} slices for a volume of ${g.slices}`);
  gzip.push(new Uint8Array(0), true);
  yield* pending.splice(0);
}

/** The slice's bytes in little-endian order (every platform LiverLab runs on is little-endian; checked once). */
function littleEndianBytes(slice: Uint8Array | Int16Array): Uint8Array {
  if (slice instanceof Uint8Array) return slice;
  if (!LITTLE_ENDIAN) throw new Error('NIfTI int16 export needs a little-endian platform');
  return new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface NiftiVolume {
  dims: [number, number, number];
  /** Voxel sizes along i, j, k in mm. */
  pixdim: [number, number, number];
  /** sform, rows of the 4×4 voxel → RAS affine. */
  affine: number[][];
  /** The same from the qform (quaternion, pixdim, qfac, offsets). */
  qformAffine: number[][];
  intentCode: number;
  data: Uint8Array;
}

/** Reads a .nii or .nii.gz written by writeNifti (uint8, little endian, single file). */
export function readNifti(file: Uint8Array): NiftiVolume {
  const bytes = file[0] === 0x1f && file[1] === 0x8b ? gunzipSync(file) : file;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getInt32(0, true) !== HEADER_BYTES) throw new Error('not a little-endian NIfTI-1 file');
  const magic = String.fromCharCode(...bytes.subarray(344, 347));
  if (magic !== 'n+1') throw new Error(`NIfTI magic is "${magic}", expected "n+1" (single file)`);
  const i16 = (o: number) => view.getInt16(o, true);
  const f32 = (o: number) => view.getFloat32(o, true);
  if (i16(70) !== DT_UINT8) throw new Error(`NIfTI datatype ${i16(70)}: only uint8 labels are read`);
  const dims: [number, number, number] = [i16(42), i16(44), i16(46)];
  const qfac = f32(76) < 0 ? -1 : 1;
  const pixdim: [number, number, number] = [f32(80), f32(84), f32(88)];
  const affine = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f32(280 + 16 * r + 4 * c))).concat([[0, 0, 0, 1]]);
  const [b, c, d] = [f32(256), f32(260), f32(264)];
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  const rot = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const scale = [pixdim[0], pixdim[1], qfac * pixdim[2]];
  const qformAffine = [0, 1, 2].map((r) => [rot[r][0] * scale[0], rot[r][1] * scale[1], rot[r][2] * scale[2], f32(268 + 4 * r)]).concat([[0, 0, 0, 1]]);
  const offset = Math.round(f32(108));
  const n = dims[0] * dims[1] * dims[2];
  return { dims, pixdim, affine, qformAffine, intentCode: i16(68), data: bytes.slice(offset, offset + n) };
}

/** NIfTI's quaternion of the affine's rotation (nifti_mat44_to_quatern), with qfac for a left-handed frame. */
function toQuaternion(affine: number[][]): { quaternion: [number, number, number]; offset: [number, number, number]; qfac: number } {
  const col = (k: number) => {
    const v = [affine[0][k], affine[1][k], affine[2][k]];
    const len = Math.hypot(...v) || 1;
    return v.map((x) => x / len);
  };
  const [c0, c1] = [col(0), col(1)];
  let c2 = col(2);
  const det = c0[0] * (c1[1] * c2[2] - c1[2] * c2[1]) - c1[0] * (c0[1] * c2[2] - c0[2] * c2[1]) + c2[0] * (c0[1] * c1[2] - c0[2] * c1[1]);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) c2 = c2.map((x) => -x);
  const [r11, r21, r31] = c0;
  const [r12, r22, r32] = c1;
  const [r13, r23, r33] = c2;
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { quaternion: [b, c, d], offset: [affine[0][3], affine[1][3], affine[2][3]], qfac };
}

function writeAscii(bytes: Uint8Array, at: number, max: number, text: string): void {
  for (let i = 0; i < Math.min(text.length, max - 1); i++) bytes[at + i] = text.charCodeAt(i) & 0x7f;
}
