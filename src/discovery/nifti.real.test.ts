// A NIfTI volume and the same scan as DICOM give the same images: 3Dircadb1.1's CT and liver mask,
// read from its DICOM zips, written as NIfTI the ways NIfTI files come (LiTS volume-N/segmentation-N,
// the Decathlon's imagesTr/labelsTr, `x` + `x_seg`; axes transposed or reversed; int16, or uint16
// with an intercept; .nii and .nii.gz), then scanned and loaded: the same slices, Hounsfield units,
// positions, spacing and liver mask, voxel for voxel.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectNodeSources } from '../node/nodeSources';
import { loadPatientSeries, scanPatients } from './index';
import { patientFilesOf } from './patientSources';
import type { DicomSlice } from '../dicom/types';
import { AS_DICOM, huOf, niftiFromSeries, writeTestNifti, type NiftiAxes } from '../test-support/niftiFiles';
import { requireRealData, SHARED_DATA } from '../test-support/realPatients';
import { writeFiles, type DropFile } from '../test-support/discoveryDrops';

let temp: string;
let ct: DicomSlice[];
let masks: DicomSlice[];
let hu: Int16Array;
let liver: Uint8Array;

beforeAll(async () => {
  requireRealData();
  temp = await mkdtemp(path.join(tmpdir(), 'liverlab-nifti-'));
  const drop = await collectNodeSources([path.join(SHARED_DATA, '3Dircadb1.1')]);
  const series = await loadPatientSeries(drop.sources, '3Dircadb1.1', 'liver');
  if (!series.ok) throw new Error(series.problem.message);
  ({ ct, masks } = series.value);
  const px = ct[0].rows * ct[0].columns;
  hu = new Int16Array(ct.length * px);
  liver = new Uint8Array(ct.length * px);
  ct.forEach((slice, s) => {
    huOf(slice, hu.subarray(s * px, (s + 1) * px));
    masks[s].pixels.forEach((v, i) => (liver[s * px + i] = v > 0 ? 1 : 0));
  });
}, 120_000);

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

/** 3Dircadb1.1 as a CT volume and a label volume laid out by `axes`. */
function pair(ctPath: string, labelPath: string, axes: NiftiAxes, stored: 'int16' | 'uint16+intercept', gzip = true): DropFile[] {
  const volume =
    stored === 'int16'
      ? writeTestNifti(niftiFromSeries(ct, hu, axes, (n) => new Int16Array(n)), { gzip })
      : writeTestNifti(niftiFromSeries(ct, hu, axes, (n) => new Uint16Array(n), (v) => v + 1024), { intercept: -1024, gzip });
  const label = writeTestNifti(niftiFromSeries(ct, liver, axes, (n) => new Uint8Array(n)));
  return [
    { path: ctPath, bytes: volume },
    { path: labelPath, bytes: label },
  ];
}

describe('3Dircadb1.1 as NIfTI, every way round', () => {
  it('scans to the same patient and loads to the same images, positions and liver mask as its DICOM', async () => {
    const root = path.join(temp, 'drop');
    await writeFiles(root, [
      ...pair('lits/volume-1.nii.gz', 'lits/segmentation-1.nii.gz', AS_DICOM, 'int16'),
      // LiTS's own files run the rows the other way (the shared data's README); the Decathlon's folders.
      ...pair('Task03_Liver/imagesTr/liver_1.nii.gz', 'Task03_Liver/labelsTr/liver_1.nii.gz', { along: ['column', 'row', 'slice'], reversed: [false, true, false] }, 'int16'),
      // Rows and columns swapped, slices top to bottom, unsigned values with an intercept, not gzipped.
      ...pair('mine/scan.nii', 'mine/scan_seg.nii.gz', { along: ['row', 'column', 'slice'], reversed: [true, false, true] }, 'uint16+intercept', false),
    ]);
    const drop = await collectNodeSources([root]);
    const scan = await scanPatients(drop.sources, { checkOrgans: ['liver'] });
    expect(scan.problems).toEqual([]);
    expect(scan.patients.map((p) => p.name)).toEqual(['liver_1', 'scan', 'volume-1']);
    for (const patient of scan.patients) {
      expect(patient.problems, patient.name).toEqual([]);
      expect([patient.format, patient.usable, patient.ct.length, patient.rows, patient.columns]).toEqual(['nifti', true, 129, 512, 512]);
      expect(patient.organs.map((o) => [o.organ, o.nonEmptyRange])).toEqual([['liver', [27, 124]]]);
      patient.spacing!.forEach((v, i) => expect(v).toBeCloseTo([0.57, 0.57, 1.6][i], 4));

      const loaded = await loadPatientSeries(drop.sources, patientFilesOf(patient), 'liver');
      if (!loaded.ok) throw new Error(loaded.problem.message);
      const px = 512 * 512;
      let huDiffs = 0;
      let maskDiffs = 0;
      loaded.value.ct.forEach((slice, s) => {
        const sliceHu = huOf(slice);
        for (let i = 0; i < px; i++) if (sliceHu[i] !== hu[s * px + i]) huDiffs++;
        const mask = loaded.value.masks[s].pixels;
        for (let i = 0; i < px; i++) if ((mask[i] > 0 ? 1 : 0) !== liver[s * px + i]) maskDiffs++;
        slice.imagePositionPatient!.forEach((v, i) => expect(v).toBeCloseTo(ct[s].imagePositionPatient![i], 3));
        slice.imageOrientationPatient!.forEach((v, i) => expect(v).toBeCloseTo(ct[s].imageOrientationPatient![i], 5));
      });
      expect({ patient: patient.name, huDiffs, maskDiffs }).toEqual({ patient: patient.name, huDiffs: 0, maskDiffs: 0 });
    }
  }, 240_000);
});
