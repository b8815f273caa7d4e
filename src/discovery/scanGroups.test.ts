import { describe, expect, it } from 'vitest';
import { groupByPatient, patientGroupKey, patientGroupKeys } from './scanGroups';

const PATHS = [
  '3Dircadb1.1/PATIENT_DICOM/image_0',
  '3Dircadb1.1/PATIENT_DICOM/image_1',
  '3Dircadb1.1/MASKS_DICOM/liver/image_0',
  '3Dircadb1.1/MASKS_DICOM/liver/image_1',
  'root/3Dircadb1.2/PATIENT_DICOM.zip',
  'root/3Dircadb1.2/MASKS_DICOM.zip',
  'root/3Dircadb1.2/readme.txt',
  'root\\3Dircadb1.3\\PATIENT_DICOM\\image_0',
  'root\\3Dircadb1.3\\masks_dicom\\portalvein\\image_0',
  'zips/3Dircadb1.4.zip',
  'zips/other.ZIP',
  'loose/PATIENT_DICOM',
  'loose/masks_dicom.zip',
  'single',
  '/leading/slash/PATIENT_DICOM/x',
  'a//b/PATIENT_DICOM/x',
  'trailing/',
];

describe('patientGroupKeys', () => {
  it('gives the same key as patientGroupKey for every path', () => {
    expect(patientGroupKeys(PATHS)).toEqual(PATHS.map(patientGroupKey));
    // Also when the folder was first seen through a file of another kind.
    const reordered = [...PATHS].reverse();
    expect(patientGroupKeys(reordered)).toEqual(reordered.map(patientGroupKey));
  });

  it('groups a patient folder layout by patient', () => {
    expect(patientGroupKeys(PATHS.slice(0, 9))).toEqual([
      '3Dircadb1.1',
      '3Dircadb1.1',
      '3Dircadb1.1',
      '3Dircadb1.1',
      'root/3Dircadb1.2',
      'root/3Dircadb1.2',
      'root/3Dircadb1.2',
      'root/3Dircadb1.3',
      'root/3Dircadb1.3',
    ]);
  });
});

describe('two patients’ official zips saved side by side', () => {
  it('are one group, picked as files or in a folder: only their content can tell the patients apart', () => {
    const zips = ['PATIENT_DICOM.zip', 'PATIENT_DICOM (1).zip', 'MASKS_DICOM.zip', 'MASKS_DICOM (1).zip'];
    expect(new Set(patientGroupKeys(zips))).toEqual(new Set(['']));
    expect(new Set(patientGroupKeys(zips.map((z) => `Downloads/${z}`)))).toEqual(new Set(['Downloads']));
    expect(patientGroupKey('PATIENT_DICOM (1)/PATIENT_DICOM/image_0')).toBe('');
    expect(patientGroupKey('3Dircadb1.10.zip')).toBe('3Dircadb1.10.zip');
  });
});

describe('exports whose files belong together', () => {
  it('a Decathlon task: imagesTr and labelsTr are one group; a DICOMDIR takes every file under its folder', () => {
    expect(patientGroupKeys(['Task03_Liver/imagesTr/liver_1.nii.gz', 'Task03_Liver/labelsTr/liver_1.nii.gz'])).toEqual(['Task03_Liver', 'Task03_Liver']);
    const paths = ['cd/DICOM/PA0/ST0/SE0/IM0', 'cd/DICOM/PA0/ST0/SE1/IM0', 'cd/DICOMDIR', 'other/x.dcm'];
    const groups = groupByPatient(paths.map((path) => ({ path, file: new Blob([]) })));
    expect(groups.map((g) => g.map((f) => f.path))).toEqual([['cd/DICOM/PA0/ST0/SE0/IM0', 'cd/DICOM/PA0/ST0/SE1/IM0', 'cd/DICOMDIR'], ['other/x.dcm']]);
  });
});

describe('groupByPatient', () => {
  const files = PATHS.map((path) => ({ path, file: new Blob([]) }));

  it('keeps first-seen order within and across groups', () => {
    const groups = groupByPatient(files);
    expect(groups.map((g) => g.map((f) => f.path))).toEqual([
      PATHS.slice(0, 4),
      PATHS.slice(4, 7),
      PATHS.slice(7, 9),
      ['zips/3Dircadb1.4.zip'],
      ['zips/other.ZIP'],
      ['loose/PATIENT_DICOM', 'loose/masks_dicom.zip'],
      ['single', 'trailing/'],
      ['/leading/slash/PATIENT_DICOM/x'],
      ['a//b/PATIENT_DICOM/x'],
    ]);
  });

  it('merges round-robin beyond maxGroups', () => {
    const groups = groupByPatient(files, 3);
    expect(groups).toHaveLength(3);
    expect(groups.flat()).toHaveLength(files.length);
    expect(groups[0].map((f) => f.path).slice(0, 4)).toEqual(PATHS.slice(0, 4));
  });
});
