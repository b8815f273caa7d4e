// A segmentation file opened back into the viewer (DICOM SEG or NIfTI): read, checked against the
// patient on screen, and turned into a 0/1 mask of the viewer's shape — or refused with a message
// naming the file and the mismatch (size, slice count, voxel size, orientation, referenced series).
// Pure: bytes and numbers in, a mask or a message out; the caller keeps what it showed until `ok`.
import { readDicomSeg } from './dicomSeg';
import { readNifti } from './nifti';

/** What the viewer shows: its shape and spacing, and the CT's UIDs when the original files are at hand. */
export interface SegmentationTarget {
  patient: string;
  width: number;
  height: number;
  slices: number;
  /** [row, column, slice] in mm. */
  spacing: [number, number, number];
  seriesInstanceUid: string | null;
  /** SOPInstanceUID of each slice shown, in order (null: originals not loaded). */
  sopInstanceUids: string[] | null;
}

export type OpenedSegmentation =
  | { ok: true; format: 'DICOM SEG' | 'NIfTI'; labels: Uint8Array; note: string }
  | { ok: false; message: string };

export function openSegmentation(fileName: string, bytes: Uint8Array, target: SegmentationTarget): OpenedSegmentation {
  const fail = (problem: string): OpenedSegmentation => ({ ok: false, message: `${fileName}: ${problem}; nothing was changed` });
  try {
    if (isDicom(bytes)) return fromSeg(bytes, target, fail);
    if (isGzip(bytes) || /\.nii(\.gz)?$/i.test(fileName)) return fromNifti(bytes, target, fail);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  return fail('neither a DICOM SEG nor a NIfTI file');
}

const isDicom = (b: Uint8Array) => b.length > 132 && String.fromCharCode(b[128], b[129], b[130], b[131]) === 'DICM';
const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
const shape = (w: number, h: number, d: number) => `${w}×${h}×${d}`;

function fromSeg(bytes: Uint8Array, t: SegmentationTarget, fail: (p: string) => OpenedSegmentation): OpenedSegmentation {
  const seg = readDicomSeg(bytes);
  if (seg.columns !== t.width || seg.rows !== t.height) return fail(`frames of ${seg.columns}×${seg.rows} pixels, but ${t.patient}'s slices are ${t.width}×${t.height}`);
  if (t.seriesInstanceUid && seg.referencedSeriesUid && seg.referencedSeriesUid !== t.seriesInstanceUid) {
    return fail(`it references CT series ${seg.referencedSeriesUid}, but ${t.patient}'s CT is series ${t.seriesInstanceUid}`);
  }
  const px = t.width * t.height;
  const labels = new Uint8Array(px * t.slices);
  const uids = t.sopInstanceUids;
  const refs = seg.referencedSopInstanceUids;
  if (uids && refs.length === seg.frames && refs.every((r) => r !== '')) {
    // Each frame goes to the slice it names (a SEG may hold only some slices, in any order).
    const index = new Map(uids.map((u, k) => [u, k]));
    const missing = refs.filter((r) => !index.has(r));
    if (missing.length > 0) return fail(`${missing.length} of its ${seg.frames} frames reference CT slices that ${t.patient} does not have (e.g. ${missing[0]})`);
    refs.forEach((r, f) => labels.set(seg.labels.subarray(f * px, (f + 1) * px), index.get(r)! * px));
    return { ok: true, format: 'DICOM SEG', labels, note: `${seg.frames} frames placed by their referenced CT slices` };
  }
  if (seg.frames !== t.slices) return fail(`${seg.frames} frames, but ${t.patient} shows ${t.slices} slices`);
  labels.set(seg.labels);
  return { ok: true, format: 'DICOM SEG', labels, note: uids ? 'frames in slice order' : 'frames in slice order (series not checked: the original CT files are not loaded)' };
}

function fromNifti(bytes: Uint8Array, t: SegmentationTarget, fail: (p: string) => OpenedSegmentation): OpenedSegmentation {
  const nii = readNifti(bytes);
  const [w, h, d] = nii.dims;
  if (w !== t.width || h !== t.height || d !== t.slices) {
    const what = w === t.width && h === t.height ? `${d} slices, but ${t.patient} shows ${t.slices}` : `${shape(w, h, d)} voxels, but ${t.patient} is ${shape(t.width, t.height, t.slices)}`;
    return fail(`${what} (width × height × slices)`);
  }
  if (nii.data.length < w * h * d) return fail(`it holds ${nii.data.length} voxels where its header says ${shape(w, h, d)}: the file is cut short`);
  const expected = [t.spacing[1], t.spacing[0], t.spacing[2]];
  const voxel = [0, 1, 2].map((a) => Math.hypot(nii.affine[0][a], nii.affine[1][a], nii.affine[2][a]));
  if (voxel.some((v, a) => Math.abs(v - expected[a]) > 0.01 * expected[a] + 1e-3)) {
    return fail(`voxels of ${voxel.map((v) => v.toFixed(2)).join('×')} mm, but ${t.patient}'s are ${expected.map((v) => v.toFixed(2)).join('×')} mm`);
  }
  // Our slices are LPS-axial (RAS: i → −x, j → −y, k → +z); an axis-aligned file the other way round is flipped to match.
  const flips: boolean[] = [];
  for (let a = 0; a < 3; a++) {
    const column = [0, 1, 2].map((r) => nii.affine[r][a] / (voxel[a] || 1));
    const main = column.map(Math.abs).indexOf(Math.max(...column.map(Math.abs)));
    if (main !== a || Math.abs(column[a]) < 0.99) return fail(`its voxel axes are not axial (affine column ${a + 1}: ${column.map((v) => v.toFixed(2)).join(', ')})`);
    flips.push(a === 2 ? column[a] < 0 : column[a] > 0);
  }
  const labels = reorient(nii.data, w, h, d, flips);
  const flipped = ['x', 'y', 'z'].filter((_, a) => flips[a]);
  return { ok: true, format: 'NIfTI', labels, note: flipped.length > 0 ? `flipped along ${flipped.join(', ')} to the CT's orientation` : 'same orientation as the CT' };
}

/** 0/1 labels (> 0 → 1), with the flagged axes reversed. */
function reorient(data: Uint8Array, w: number, h: number, d: number, flips: boolean[]): Uint8Array {
  const out = new Uint8Array(w * h * d);
  for (let k = 0; k < d; k++)
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) {
        const src = ((flips[2] ? d - 1 - k : k) * h + (flips[1] ? h - 1 - j : j)) * w + (flips[0] ? w - 1 - i : i);
        out[(k * h + j) * w + i] = data[src] > 0 ? 1 : 0;
      }
  return out;
}
