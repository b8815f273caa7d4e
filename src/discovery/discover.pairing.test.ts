// Two scans never become one patient: the official zips of the two real patients picked as files (the
// browser loses their folder names) or dropped as one folder are grouped by what the files say —
// PatientName and geometry — each CT with its own masks, named 3Dircadb1.N from `liver_N`. A mask
// series that fits no CT, or several, is named in a problem and never attached.
import { beforeAll, describe, expect, it } from 'vitest';
import { scanPatients, type ScanResult } from './index';
import type { PatientScan } from './types';
import { fourZips, realZip, requireRealData } from '../test-support/realPatients';
import { phantom, rewritten, SLICES, type DropFile } from '../test-support/discoveryDrops';

const liverOf = (p: PatientScan | undefined) => p?.organs.find((o) => o.organ === 'liver');

/** What a user checks first: each patient's slices, liver range (0-based), organs, usability. */
function summary(scan: ScanResult) {
  return scan.patients.map((p) => ({ name: p.name, slices: p.ct.length, liver: liverOf(p)?.nonEmptyRange, organs: p.organs.length, usable: p.usable }));
}

describe('the two real patients’ official zips, side by side', () => {
  beforeAll(requireRealData);

  it.each([
    ['picked as files, 3Dircadb1.1 downloaded first', fourZips('3Dircadb1.1'), ''],
    ['picked as files, masks saved in the other order', fourZips('3Dircadb1.1', { crossed: true }), ''],
    ['dropped as one folder, 3Dircadb1.17 downloaded first', fourZips('3Dircadb1.17', { folder: 'Downloads' }), 'Downloads/'],
  ])('%s: two patients, each with its own masks', async (_, sources, folder) => {
    const scan = await scanPatients(sources, { checkOrgans: ['liver'] });
    expect(scan.problems).toEqual([]);
    // 129 slices with a liver on 27–124 and one organ is 3Dircadb1.1's CT with its own mask; 119 slices
    // with a liver on 1–113 and eight organs, 3Dircadb1.17's.
    expect(summary(scan)).toEqual([
      { name: '3Dircadb1.1', slices: 129, liver: [27, 124], organs: 1, usable: true },
      { name: '3Dircadb1.17', slices: 119, liver: [1, 113], organs: 8, usable: true },
    ]);
    const [p1, p17] = scan.patients;
    expect(p1.spacing?.[0]).toBeCloseTo(0.57, 3);
    expect(p17.spacing?.[0]).toBeCloseTo(0.743, 3);
    for (const p of [p1, p17]) {
      expect(p.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      expect([p.ct[0].file, liverOf(p)!.slices[0].file].every((file) => file.startsWith(folder))).toBe(true);
    }
  });

  it('a CT and another patient’s masks: no patient gets masks that are not its own, and the masks are named', async () => {
    const scan = await scanPatients([realZip('3Dircadb1.1', 'PATIENT_DICOM', 'PATIENT_DICOM.zip'), realZip('3Dircadb1.17', 'MASKS_DICOM', 'MASKS_DICOM.zip')], {
      checkOrgans: ['liver'],
    });
    expect(scan.patients.map((p) => [p.name, p.ct.length, p.organs.length, p.usable])).toEqual([['3Dircadb1.1', 129, 0, true]]);
    expect(scan.problems).toHaveLength(8);
    expect(scan.problems.find((p) => p.file.startsWith('MASKS_DICOM/liver/'))).toEqual({
      file: 'MASKS_DICOM/liver/image_0',
      message: expect.stringMatching(/^liver masks in MASKS_DICOM\/liver \(119 slices, PatientName liver_17\^liver, 512×512, 0\.743×0\.743 mm\) match no CT series of this drop/),
      severity: 'error',
    });
  });
});

describe('masks that fit several CT series', () => {
  it('are reported by file name and attached to none; the CTs stay usable patients', async () => {
    // Two anonymised scans of the same geometry (no PatientName, their own studies), and one liver
    // series that says nothing of whose it is: it fits both, so it joins neither.
    const drop: DropFile[] = [];
    for (const [seed, copy] of [[1, ''], [2, ' (1)']] as const) {
      const p = phantom('Anon', seed);
      for (const f of p.files.filter((f) => f.path.includes('/PATIENT_DICOM/'))) {
        drop.push(rewritten(f, `PATIENT_DICOM${copy}/${f.path.slice(f.path.indexOf('PATIENT_DICOM/'))}`, { patientName: '', studyInstanceUid: `1.2.826.0.1.3680043.99.${seed}` }));
      }
    }
    const liver = phantom('Anon', 1).files.filter((f) => f.path.includes('/MASKS_DICOM/liver/'));
    drop.push(...liver.map((f) => rewritten(f, f.path.slice(f.path.indexOf('MASKS_DICOM/')), { patientName: '', studyInstanceUid: '1.2.826.0.1.3680043.99.9' })));
    const scan = await scanPatients(drop);
    expect(scan.patients.map((p) => [p.name, p.ct.length, p.organs.length, p.usable])).toEqual([
      ['patient', SLICES, 0, true],
      ['patient (2)', SLICES, 0, true],
    ]);
    expect(scan.problems).toEqual([
      {
        file: 'MASKS_DICOM/liver/image_0',
        message: expect.stringMatching(/^liver masks in MASKS_DICOM\/liver \(16 slices, 32×32, [\d.]+×[\d.]+ mm\) fit 2 CT series equally \(patient, patient \(2\)\): not attached/),
        severity: 'error',
      },
    ]);
  });
});
