// Opening a segmentation back: our own SEG and NIfTI exports give the identical voxels; files of
// another size, slice count, voxel size or series are refused with the file and the mismatch named.
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { geometryFromSpacing, type VolumeGeometry } from './geometry';
import { writeDicomSeg } from './dicomSeg';
import { writeNifti } from './nifti';
import { openSegmentation, type SegmentationTarget } from './segmentationFile';

const [W, H, D] = [9, 8, 6];
const spacing: [number, number, number] = [0.7, 0.8, 2.5];
const target: SegmentationTarget = {
  patient: 'Phantom.2',
  width: W,
  height: H,
  slices: D,
  spacing,
  seriesInstanceUid: '1.2.3.9',
  sopInstanceUids: Array.from({ length: D }, (_, k) => `1.2.3.9.${k + 1}`),
};

function mask(seed: number, n = W * H * D): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 29) & 1);
}

function seg(labels: Uint8Array, g: VolumeGeometry, series = '1.2.3.9', uids = target.sopInstanceUids!) {
  return writeDicomSeg(labels, { patientName: 'Phantom.2', studyInstanceUid: '1.2.3', seriesInstanceUid: series, frameOfReferenceUid: null, sopInstanceUids: uids, geometry: g }, { uidSeed: 't' });
}

describe('openSegmentation', () => {
  const g = geometryFromSpacing(W, H, D, spacing);

  it('our DICOM SEG comes back with identical voxels, placed by the CT slices it references', () => {
    const labels = mask(3);
    const opened = openSegmentation('pred.seg.dcm', seg(labels, g), target);
    expect(opened).toMatchObject({ ok: true, format: 'DICOM SEG' });
    if (opened.ok) expect(opened.labels).toEqual(labels);
  });

  it('a SEG listing its frames in another order still lands slice for slice', () => {
    const labels = mask(5);
    const order = [5, 4, 3, 2, 1, 0];
    const px = W * H;
    const shuffled = new Uint8Array(labels.length);
    order.forEach((k, f) => shuffled.set(labels.subarray(k * px, (k + 1) * px), f * px));
    const opened = openSegmentation('reversed.dcm', seg(shuffled, g, '1.2.3.9', order.map((k) => target.sopInstanceUids![k])), target);
    expect(opened.ok && opened.labels).toEqual(labels);
  });

  it('without the originals (no UIDs) a SEG of the right shape loads in frame order and says the series was not checked', () => {
    const labels = mask(9);
    const opened = openSegmentation('pred.seg.dcm', seg(labels, g), { ...target, seriesInstanceUid: null, sopInstanceUids: null });
    expect(opened.ok && opened.labels).toEqual(labels);
    expect(opened.ok && opened.note).toContain('series not checked');
  });

  it('refuses a SEG of another series, of another frame size, and one whose frames name unknown slices', () => {
    expect(openSegmentation('other.dcm', seg(mask(1), g, '1.2.3.77'), target)).toEqual({
      ok: false,
      message: 'other.dcm: it references CT series 1.2.3.77, but Phantom.2\'s CT is series 1.2.3.9; nothing was changed',
    });
    const small = geometryFromSpacing(W - 1, H, D, spacing);
    expect(openSegmentation('small.dcm', seg(mask(1, (W - 1) * H * D), small), target)).toEqual({
      ok: false,
      message: "small.dcm: frames of 8×8 pixels, but Phantom.2's slices are 9×8; nothing was changed",
    });
    const strangers = Array.from({ length: D }, (_, k) => `9.9.${k}`);
    const opened = openSegmentation('strangers.dcm', seg(mask(1), g, '1.2.3.9', strangers), target);
    expect(opened.ok ? '' : opened.message).toMatch(/^strangers\.dcm: 6 of its 6 frames reference CT slices that Phantom\.2 does not have/);
  });

  it('our NIfTI comes back identical; one stored head → feet is flipped back; other slice counts and voxel sizes are refused', () => {
    const labels = mask(4);
    const opened = openSegmentation('pred.nii.gz', writeNifti(labels, g), target);
    expect(opened).toMatchObject({ ok: true, format: 'NIfTI', note: 'same orientation as the CT' });
    if (opened.ok) expect(opened.labels).toEqual(labels);

    const px = W * H;
    const reversed = new Uint8Array(labels.length);
    for (let k = 0; k < D; k++) reversed.set(labels.subarray(k * px, (k + 1) * px), (D - 1 - k) * px);
    const headFirst: VolumeGeometry = { ...g, origin: [0, 0, (D - 1) * spacing[2]], sliceDirection: [0, 0, -1] };
    const flipped = openSegmentation('flipped.nii.gz', writeNifti(reversed, headFirst), target);
    expect(flipped.ok && flipped.note).toBe("flipped along z to the CT's orientation");
    expect(flipped.ok && flipped.labels).toEqual(labels);

    const fewer = geometryFromSpacing(W, H, D - 2, spacing);
    expect(openSegmentation('short.nii.gz', writeNifti(mask(2, W * H * (D - 2)), fewer), target)).toEqual({
      ok: false,
      message: 'short.nii.gz: 4 slices, but Phantom.2 shows 6 (width × height × slices); nothing was changed',
    });
    const coarse = geometryFromSpacing(W, H, D, [1, 1, 5]);
    const refused = openSegmentation('coarse.nii.gz', writeNifti(mask(2), coarse), target);
    expect(refused.ok ? '' : refused.message).toBe("coarse.nii.gz: voxels of 1.00×1.00×5.00 mm, but Phantom.2's are 0.80×0.70×2.50 mm; nothing was changed");
  });

  it('refuses a NIfTI cut short (fewer voxels than its header says) and a CT image as NIfTI (not uint8 labels)', () => {
    const whole = gunzipSync(writeNifti(mask(6), geometryFromSpacing(W, H, D, spacing)));
    expect(openSegmentation('cut.nii', whole.subarray(0, whole.length - 10), target)).toEqual({
      ok: false,
      message: `cut.nii: it holds ${W * H * D - 10} voxels where its header says 9×8×6: the file is cut short; nothing was changed`,
    });
    const ct = whole.slice();
    new DataView(ct.buffer).setInt16(70, 4, true); // int16, as a CT volume
    expect(openSegmentation('ct.nii', ct, target)).toEqual({ ok: false, message: 'ct.nii: NIfTI datatype 4: only uint8 labels are read; nothing was changed' });
  });

  it('names a file that is neither', () => {
    expect(openSegmentation('notes.txt', new TextEncoder().encode('hello'), target)).toEqual({ ok: false, message: 'notes.txt: neither a DICOM SEG nor a NIfTI file; nothing was changed' });
  });
});
