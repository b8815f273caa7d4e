// An edited label of the real patient 3Dircadb1.1 written as DICOM SEG and NIfTI over its real CT
// headers, saved to disk and read back with the readers the app opens files with: the same mask, the
// SEG's frames referencing and placed at the CT slices they segment (also parsed by DCMTK's dcmdump),
// the NIfTI's affine the CT's; described as an edited label, not as a model's prediction. Without the
// CT headers the NIfTI falls back to the spacing (said so) and no SEG is made.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDicomSeg } from '../../export/dicomSeg';
import { readNifti } from '../../export/nifti';
import { geometryFromSlices, rasAffine, slicePosition } from '../../export/geometry';
import { openSegmentation, type SegmentationTarget } from '../../export/segmentationFile';
import { labelMask, newLabel, withEdits, type EditedLabel } from '../../storage/labelRecord';
import type { DicomSlice } from '../../dicom/types';
import { realZip, requireRealData } from '../../test-support/realPatients';
import { tempFolderPerFile } from '../../test-support/tempFolder';
import { keptCtSlices } from './ctSeries';
import { labelFileBase, niftiOfLabel, segOfLabel } from './labelExports';
import { segOverCt } from './segmentationExports';

const [FROM, SLICES] = [50, 12];

let ct: DicomSlice[];
let label: EditedLabel;
let mask: Uint8Array;
let spacing: [number, number, number];
const temp = tempFolderPerFile('liverlab-label-exports-');

/** How many voxels differ (a count, not toEqual: vitest compares 3 M-voxel arrays element by element, slowly). */
function differing(a: Uint8Array | false, b: Uint8Array): number {
  if (!a || a.length !== b.length) return -1;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** A disc of radius r around (cx, cy) on slice s of the W×H×D mask. */
function disc(out: Uint8Array, W: number, H: number, s: number, cx: number, cy: number, r: number): void {
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) out[s * W * H + y * W + x] = 1;
}

beforeAll(async () => {
  requireRealData();
  const kept = await keptCtSlices([realZip('3Dircadb1.1', 'PATIENT_DICOM', '3Dircadb1.1/PATIENT_DICOM.zip')], { name: '3Dircadb1.1', keptFrom: FROM, keptTo: FROM + SLICES - 1, kept: SLICES });
  if (typeof kept === 'string') throw new Error(kept);
  ct = kept;
  const [W, H] = [ct[0].columns, ct[0].rows];
  const g = geometryFromSlices(ct);
  spacing = g.spacing;
  const start = new Uint8Array(W * H * SLICES);
  disc(start, W, H, 3, 250, 260, 40);
  disc(start, W, H, 4, 250, 260, 42);
  const draft = newLabel({ id: 'l1', name: '3Dircadb1.1 · corrected Starter liver model', patientKey: 'k', patientName: '3Dircadb1.1', width: W, height: H, slices: SLICES, firstSlice: FROM, origin: 'prediction', model: { id: 'starter', name: 'Starter liver model' } }, start);
  const edited = labelMask(draft);
  disc(edited, W, H, 4, 300, 300, 20); // a brush dot
  disc(edited, W, H, 9, 120, 200, 15);
  label = withEdits(draft, edited, ['brush']);
  mask = labelMask(label);
}, 120_000);

describe('an edited label as files', () => {
  it('as a DICOM SEG on disk: read back, the same mask, each frame referencing and placed at its CT slice, described as the edited label', () => {
    const seg = segOfLabel(mask.slice(), label, spacing, ct);
    if (!('bytes' in seg)) throw new Error(seg.problem);
    const path = join(temp.folder(), `${labelFileBase(label)}.seg.dcm`);
    writeFileSync(path, seg.bytes);
    const back = readDicomSeg(new Uint8Array(readFileSync(path)));
    expect(differing(back.labels, mask)).toBe(0);
    expect(back.referencedSopInstanceUids).toEqual(ct.map((c) => c.sopInstanceUid));
    expect(back.referencedSeriesUid).toBe(ct[0].seriesInstanceUid);
    const g = geometryFromSlices(ct, 0, SLICES - 1, spacing[2]);
    back.positions.forEach((p, k) => p.forEach((v, a) => expect(v).toBeCloseTo(ct[k].imagePositionPatient![a], 3)));
    back.positions.forEach((p, k) => p.forEach((v, a) => expect(v).toBeCloseTo(slicePosition(g, k)[a], 3)));
    expect(back.seriesDescription).toBe('LiverLab label: 3Dircadb1.1 · corrected Starter liver model');
    expect(back.segmentLabels).toEqual(['Liver (edited label)']);
    expect(back.segmentAlgorithmTypes).toEqual(['SEMIAUTOMATIC']);
    // Opened back as the app opens a file onto the patient's slices: the same mask.
    const target: SegmentationTarget = { patient: '3Dircadb1.1', width: label.width, height: label.height, slices: SLICES, spacing, seriesInstanceUid: ct[0].seriesInstanceUid, sopInstanceUids: ct.map((c) => c.sopInstanceUid!) };
    const opened = openSegmentation('back.seg.dcm', new Uint8Array(readFileSync(path)), target);
    expect(differing(opened.ok && opened.labels, mask)).toBe(0);
    // DCMTK parses it too, and sees what a reader needs to tell it from a prediction.
    const dump = execFileSync('/usr/bin/dcmdump', [path], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(dump).toMatch(/\(0008,0016\) UI =SegmentationStorage/);
    expect(dump).toMatch(/\(0008,103e\) LO \[LiverLab label: 3Dircadb1\.1 · corrected Starter liver model\]/);
    expect(dump).toMatch(/\(0062,0008\) CS \[SEMIAUTOMATIC\]/);
    expect(dump).toMatch(/\(0062,0009\) LO \[Starter liver model\]/);
    expect(dump).toContain(`(0028,0008) IS [${SLICES}]`);
  });

  it('a label drawn by hand is MANUAL, with no algorithm named; a prediction stays AUTOMATIC "Liver"', () => {
    const drawn = segOfLabel(mask.slice(), { ...label, origin: 'empty', model: null, name: '3Dircadb1.1 · drawn' }, spacing, ct);
    const prediction = segOverCt(mask.slice(), ct, { patientName: '3Dircadb1.1', algorithmName: 'Starter liver model' });
    if (!('bytes' in drawn) || !('bytes' in prediction)) throw new Error('no SEG');
    const path = join(temp.folder(), 'drawn.seg.dcm');
    writeFileSync(path, drawn.bytes);
    const dump = execFileSync('/usr/bin/dcmdump', [path], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(dump).toMatch(/\(0062,0008\) CS \[MANUAL\]/);
    expect(dump).not.toContain('(0062,0009)');
    expect(readDicomSeg(drawn.bytes)).toMatchObject({ segmentAlgorithmTypes: ['MANUAL'], seriesDescription: 'LiverLab label: 3Dircadb1.1 · drawn' });
    expect(readDicomSeg(prediction.bytes)).toMatchObject({ segmentAlgorithmTypes: ['AUTOMATIC'], segmentLabels: ['Liver'], seriesDescription: 'LiverLab liver segmentation' });
  });

  it('as NIfTI on disk: read back, the same mask, with the CT headers’ affine', () => {
    const nifti = niftiOfLabel(mask.slice(), label, spacing, ct);
    expect(nifti.positioned).toBe(true);
    const path = join(temp.folder(), `${labelFileBase(label)}.nii.gz`);
    writeFileSync(path, nifti.bytes);
    const back = readNifti(new Uint8Array(readFileSync(path)));
    expect(back.dims).toEqual([label.width, label.height, SLICES]);
    expect(differing(back.data, mask)).toBe(0);
    const affine = rasAffine(geometryFromSlices(ct, 0, SLICES - 1, spacing[2]));
    back.affine.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(affine[r][c], 3)));
    // The CT's first kept slice sits at its ImagePositionPatient (LPS → RAS).
    const p = ct[0].imagePositionPatient!;
    expect(back.affine.map((row) => row[3]).slice(0, 3)).toEqual([-p[0], -p[1], p[2]].map((v) => expect.closeTo(v, 3)));
    const target: SegmentationTarget = { patient: '3Dircadb1.1', width: label.width, height: label.height, slices: SLICES, spacing, seriesInstanceUid: null, sopInstanceUids: null };
    const opened = openSegmentation('back.nii.gz', new Uint8Array(readFileSync(path)), target);
    expect(differing(opened.ok && opened.labels, mask)).toBe(0);
  });

  it('without the CT headers: a NIfTI from the spacing alone (positioned false), and no SEG, saying why', () => {
    const nifti = niftiOfLabel(mask.slice(), label, spacing, 'the original DICOM files of this patient are not loaded (drop them again)');
    expect(nifti.positioned).toBe(false);
    const back = readNifti(nifti.bytes);
    expect(differing(back.data, mask)).toBe(0);
    expect(back.affine.map((row) => row[3])).toEqual([0, 0, 0, 1]);
    expect(segOfLabel(mask, label, spacing, 'the original DICOM files of this patient are not loaded (drop them again)')).toEqual({
      problem: 'a DICOM SEG must reference the CT it segments: the original DICOM files of this patient are not loaded (drop them again). NIfTI export still works.',
    });
  });

  it('names the files after the patient and the label', () => {
    expect(labelFileBase(label)).toBe('3Dircadb1.1_corrected_Starter_liver_model-label');
    expect(labelFileBase({ name: 'my label', patientName: '3Dircadb1.17' })).toBe('3Dircadb1.17_my_label-label');
  });
});
