// The 3D-IRCADb layout as a user's drop presents it: dataset roots, patient folders, bare series
// folders, Windows paths and the junk that archivers leave behind.
import { describe, expect, it } from 'vitest';
import { classifyFolder, classifyPath, classifyZip, isIgnoredPath } from './layout';
import { naturalCompare, normalisePath } from '../common/paths';

describe('classifyPath', () => {
  it('finds CT slices of a patient inside a dataset root', () => {
    expect(classifyPath('3Dircadb1/3Dircadb1.17/PATIENT_DICOM/image_3')).toEqual({
      kind: 'ct',
      patient: '3Dircadb1.17',
      slice: 'image_3',
      patientFolder: '3Dircadb1/3Dircadb1.17',
      seriesFolder: '3Dircadb1/3Dircadb1.17/PATIENT_DICOM',
    });
  });

  it('finds organ mask slices of a dropped patient folder', () => {
    expect(classifyPath('3Dircadb1.1/MASKS_DICOM/liver/image_0')).toMatchObject({
      kind: 'mask',
      patient: '3Dircadb1.1',
      organ: 'liver',
      slice: 'image_0',
      seriesFolder: '3Dircadb1.1/MASKS_DICOM/liver',
    });
  });

  it('uses the caller’s fallback name when only PATIENT_DICOM and MASKS_DICOM were dropped', () => {
    expect(classifyPath('PATIENT_DICOM/image_0', 'my-drop')).toMatchObject({ kind: 'ct', patient: 'my-drop', patientFolder: '' });
    expect(classifyPath('MASKS_DICOM/bone/image_0')).toMatchObject({ kind: 'mask', patient: 'patient', organ: 'bone' });
  });

  it('ignores the case of the folder names and normalises Windows separators', () => {
    expect(classifyPath('C:\\data\\3Dircadb1.5\\patient_dicom\\image_10')).toMatchObject({
      kind: 'ct',
      patient: '3Dircadb1.5',
      slice: 'image_10',
    });
    expect(classifyPath('3Dircadb1.5\\Masks_Dicom\\liver\\image_1')).toMatchObject({ kind: 'mask', organ: 'liver' });
  });

  it('looks through a doubled series folder made by "extract to folder"', () => {
    expect(classifyPath('3Dircadb1.17/PATIENT_DICOM/PATIENT_DICOM/image_0')).toMatchObject({
      kind: 'ct',
      patient: '3Dircadb1.17',
      seriesFolder: '3Dircadb1.17/PATIENT_DICOM/PATIENT_DICOM',
    });
  });

  it('returns null for files outside the layout, and ignores junk and unused folders', () => {
    expect(classifyPath('3Dircadb1.17/notes.txt')).toBeNull();
    expect(classifyPath('3Dircadb1.17/MASKS_DICOM/image_0')).toBeNull();
    expect(classifyPath('3Dircadb1.17/PATIENT_DICOM/sub/image_0')).toBeNull();
    expect(isIgnoredPath('3Dircadb1.17/notes.txt')).toBe(false);
    for (const junk of [
      '3Dircadb1.17/PATIENT_DICOM/.DS_Store',
      '__MACOSX/3Dircadb1.17/PATIENT_DICOM/._image_0',
      '3Dircadb1.17/Thumbs.db',
      '3Dircadb1.17/desktop.ini',
      '3Dircadb1.17/LABELLED_DICOM/image_0',
      '3Dircadb1.17/MESHES_VTK/liver.vtk',
      '3Dircadb1.17/LABELLED_DICOM.zip',
    ]) {
      expect(isIgnoredPath(junk), junk).toBe(true);
      expect(classifyPath(junk), junk).toBeNull();
    }
  });
});

describe('classifyFolder and classifyZip', () => {
  it('names the series of an empty folder', () => {
    expect(classifyFolder('3Dircadb1.17/MASKS_DICOM/liver/')).toEqual({ kind: 'mask', patient: '3Dircadb1.17', organ: 'liver' });
    expect(classifyFolder('3Dircadb1.17/PATIENT_DICOM')).toEqual({ kind: 'ct', patient: '3Dircadb1.17' });
    expect(classifyFolder('3Dircadb1.17/MASKS_DICOM')).toBeNull();
  });

  it('knows what the zips of the official download hold', () => {
    expect(classifyZip('3Dircadb1/3Dircadb1.17/PATIENT_DICOM.zip')).toEqual({ kind: 'series', holds: 'ct', patient: '3Dircadb1.17' });
    expect(classifyZip('3Dircadb1.17/masks_dicom.ZIP')).toEqual({ kind: 'series', holds: 'masks', patient: '3Dircadb1.17' });
    expect(classifyZip('MASKS_DICOM.zip', 'drop')).toEqual({ kind: 'series', holds: 'masks', patient: 'drop' });
    expect(classifyZip('3Dircadb1.17/MESHES_VTK.zip')).toEqual({ kind: 'unused' });
    expect(classifyZip('3Dircadb1.17.zip')).toEqual({ kind: 'container' });
  });
});

describe('naturalCompare', () => {
  it('sorts patients and slices the way a person counts', () => {
    const patients = ['3Dircadb1.10', '3Dircadb1.2', '3Dircadb1.1', '3Dircadb1.17', '3Dircadb1.20'];
    expect([...patients].sort(naturalCompare)).toEqual(['3Dircadb1.1', '3Dircadb1.2', '3Dircadb1.10', '3Dircadb1.17', '3Dircadb1.20']);
    const slices = ['image_10', 'image_2', 'image_1', 'Image_3', 'image_100'];
    expect([...slices].sort(naturalCompare)).toEqual(['image_1', 'image_2', 'Image_3', 'image_10', 'image_100']);
  });

  it('is a total order (ties broken by code point)', () => {
    expect(naturalCompare('a', 'A')).not.toBe(0);
    expect(naturalCompare('image_01', 'image_1')).not.toBe(0);
    expect(naturalCompare('x', 'x')).toBe(0);
  });

  it('normalises paths', () => {
    expect(normalisePath('.\\a\\\\b/./c/')).toBe('a/b/c');
  });
});
