// DICOM outside the 3D-IRCADb layout, as scanners and PACS export it: files without extensions, two
// series mixed in one folder, a DICOMDIR naming files the export lost; and series whose slices are
// oriented or spaced unlike the rest. Each series is a patient named from its headers; each problem
// names its file.
import { describe, expect, it } from 'vitest';
import { scanPatients } from './index';
import { loadCtSeries } from './loadPatientSeries';
import { patientFilesOf } from './patientSources';
import { phantom, rewritten, SLICES, type DropFile } from '../test-support/discoveryDrops';
import { writeDicomDir } from '../test-support/dicomDir';

/** A phantom patient's CT files under `folder`, named IM<k> with no extension. */
function exported(name: string, seed: number, folder: string, prefix = 'IM'): DropFile[] {
  return phantom(name, seed)
    .files.filter((f) => f.path.includes('/PATIENT_DICOM/'))
    .map((f) => ({ path: `${folder}/${prefix}${f.path.slice(f.path.lastIndexOf('_') + 1)}`, bytes: f.bytes }));
}

describe('DICOM exported with any names', () => {
  it('two series mixed in one folder, with their DICOMDIR: two patients, named from their headers; the files the index names but the drop lacks are named', async () => {
    const a = exported('Scan.A', 1, 'export/DICOM/0001', 'A');
    const b = exported('Scan.B', 2, 'export/DICOM/0001', 'B');
    const index = [...a, ...b].map((f) => f.path.slice('export/'.length));
    const drop = [...b, ...a, { path: 'export/DICOMDIR', bytes: writeDicomDir([...index, 'DICOM/0001/A99', 'DICOM/0002/X1']) }];
    const scan = await scanPatients(drop);
    expect(scan.patients.map((p) => [p.name, p.ct.length, p.usable, p.problems])).toEqual([
      ['Scan.A patient', SLICES, true, []],
      ['Scan.B patient', SLICES, true, []],
    ]);
    expect(scan.patients[0].ct.map((s) => s.file)).toEqual(a.map((f) => f.path));
    expect(scan.problems).toEqual([
      {
        file: 'export/DICOMDIR',
        message: `DICOMDIR names 2 of its ${2 * SLICES + 2} files that are not in the drop (DICOM/0001/A99, DICOM/0002/X1): the export is incomplete; the images that are there are still read`,
        severity: 'error',
      },
    ]);
    // Loaded by the files the scan grouped: only that series' slices, in order.
    const series = await loadCtSeries(drop, patientFilesOf(scan.patients[1]), null);
    if (!series.ok) throw new Error(series.problem.message);
    expect(series.value.ct.map((s) => [s.patientName, s.instanceNumber])).toEqual([...Array(SLICES).keys()].map((k) => ['Scan.B^patient', k]));
  });

  it('a series with slices of another orientation: a few are dropped and named, half make it unusable', async () => {
    const base = exported('Tilt', 3, 'few');
    const few = base.map((f, k) => (k >= SLICES - 1 ? rewritten(f, f.path, { pixelSpacing: [0.5, 0.5] }) : f));
    const half = exported('Tilt', 3, 'half').map((f, k) => (k % 2 === 1 ? rewritten(f, f.path, { imageOrientationPatient: [0, 1, 0, 0, 0, -1] }) : f));
    const scan = await scanPatients([...few, ...half.map((f) => rewritten(f, f.path, { seriesInstanceUid: '1.2.826.0.1.3680043.99.5' }))]);
    const [fewScan, halfScan] = scan.patients;
    expect([fewScan.usable, fewScan.ct.length]).toEqual([true, SLICES - 1]);
    expect(fewScan.problems).toEqual([
      {
        file: `few/IM${SLICES - 1}`,
        message: expect.stringMatching(/^PATIENT_DICOM: 1 of 16 slices \(this one first\) have orientation 1\\0\\0\\0\\1\\0, pixel spacing 0\.5\\0\.5 mm where the rest have .*: those slices are ignored$/),
        severity: 'error',
      },
    ]);
    expect(halfScan.usable).toBe(false);
    expect(halfScan.problems[0]).toEqual(
      {
        file: 'half/IM1',
        message: expect.stringMatching(/^PATIENT_DICOM: 8 of 16 slices \(this one first\) have orientation 0\\1\\0\\0\\0\\-1, .*: the series mixes orientations or spacings, so it is not one volume; it cannot be used/),
        severity: 'error',
      },
    );
  });
});
