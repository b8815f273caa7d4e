// Discovery as a user meets it, in every layout people drop: phantom patients written to disk as a
// dataset root, one patient, the official per-series zips, a zipped patient, a zip of zips; and
// loading one patient's series from such drops.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPatientSeries, scanPatients } from './index';
import type { SourceFile } from '../common/types';
import { tempFolderPerFile } from '../test-support/tempFolder';
import {
  expectPhantomPatient,
  officialZips,
  phantom,
  scanFolder,
  SIZE,
  SLICES,
  writeFiles,
  zipOf,
} from '../test-support/discoveryDrops';

const drops = tempFolderPerFile('liverlab-discover-');

describe('scanPatients finds phantom patients in every layout', () => {
  const p1 = () => phantom('Phantom.1', 1);
  const p2 = () => phantom('Phantom.2', 2);
  const p10 = () => phantom('Phantom.10', 10);

  it('a dataset root with many patient folders, sorted naturally, with OS junk ignored', async () => {
    const root = path.join(drops.folder(), 'root', '3Dircadb1');
    await writeFiles(root, [...p10().files, ...p2().files, ...p1().files]);
    await writeFiles(root, [
      { path: '.DS_Store', bytes: new Uint8Array(8) },
      { path: 'Phantom.1/PATIENT_DICOM/Thumbs.db', bytes: new Uint8Array(8) },
      { path: '__MACOSX/Phantom.1/._image_0', bytes: new Uint8Array(8) },
      { path: 'Phantom.2/LABELLED_DICOM/image_0', bytes: new Uint8Array(8) },
    ]);
    const progress: [number, number | undefined][] = [];
    const { patients, problems } = await scanFolder(root, { onProgress: (done, total) => progress.push([done, total]) });
    expect(problems).toEqual([]);
    expect(patients.map((patient) => patient.name)).toEqual(['Phantom.1', 'Phantom.2', 'Phantom.10']);
    expectPhantomPatient(patients[0], p1());
    expectPhantomPatient(patients[1], p2());
    expectPhantomPatient(patients[2], p10());
    expect(patients[0].ct[3].file).toBe('3Dircadb1/Phantom.1/PATIENT_DICOM/image_3');
    const [done, total] = progress[progress.length - 1];
    expect(done).toBe(total);
  });

  it('one patient folder', async () => {
    const root = path.join(drops.folder(), 'one');
    await writeFiles(root, p2().files);
    const { patients, problems } = await scanFolder(path.join(root, 'Phantom.2'));
    expect(problems).toEqual([]);
    expect(patients).toHaveLength(1);
    expectPhantomPatient(patients[0], p2());
  });

  it('the official PATIENT_DICOM.zip + MASKS_DICOM.zip inside the patient folder', async () => {
    const root = path.join(drops.folder(), 'official');
    await writeFiles(root, officialZips(p1()));
    const { patients, problems } = await scanFolder(path.join(root, 'Phantom.1'));
    expect(problems).toEqual([]);
    expectPhantomPatient(patients[0], p1());
    expect(patients[0].ct[0].file).toBe('Phantom.1/PATIENT_DICOM/image_0');
  });

  it('a zip of a whole patient, with or without the patient folder inside', async () => {
    const root = path.join(drops.folder(), 'patient-zips');
    await writeFiles(root, [
      { path: 'Phantom.1.zip', bytes: zipOf(p1().files) },
      { path: 'Phantom.2.zip', bytes: zipOf(p2().files, 'Phantom.2/') },
    ]);
    const { patients, problems } = await scanFolder(root);
    expect(problems).toEqual([]);
    expect(patients.map((patient) => patient.name)).toEqual(['Phantom.1', 'Phantom.2']);
    expectPhantomPatient(patients[0], p1());
    expectPhantomPatient(patients[1], p2());
  });

  it('a zip of the dataset root holding per-patient zips (nested), unused zips never opened', async () => {
    const inner = [...officialZips(p10()), ...officialZips(p2())].map((file) => ({ ...file, path: `3Dircadb1/${file.path}` }));
    const unused = { path: '3Dircadb1/Phantom.2/LABELLED_DICOM.zip', bytes: new TextEncoder().encode('not even a zip') };
    const root = path.join(drops.folder(), 'nested');
    await writeFiles(root, [{ path: '3Dircadb1.zip', bytes: zipOf([...inner, unused]) }]);
    const { patients, problems } = await scanFolder(path.join(root, '3Dircadb1.zip'));
    expect(problems).toEqual([]);
    expect(patients.map((patient) => patient.name)).toEqual(['Phantom.2', 'Phantom.10']);
    expectPhantomPatient(patients[0], p2());
    expectPhantomPatient(patients[1], p10());
    expect(patients[0].organs[1].slices[0].file).toBe('3Dircadb1/Phantom.2/MASKS_DICOM/liver/image_0');
  });

  it('bare PATIENT_DICOM and MASKS_DICOM items in memory, Windows separators, named by the fallback', async () => {
    const items = p1().files.map((file) => ({ path: file.path.slice('Phantom.1/'.length).replaceAll('/', '\\'), bytes: file.bytes }));
    const { patients, problems } = await scanPatients(items, { fallbackName: 'Phantom.1' });
    expect(problems).toEqual([]);
    expectPhantomPatient(patients[0], p1());
    expect(patients[0].ct[0].file).toBe('PATIENT_DICOM/image_0');
  });
});

// ---------------------------------------------------------------------------------------------

describe('loadPatientSeries', () => {
  it('reads only the wanted patient and organ, from nested zips, masks aligned to the CT', async () => {
    const p2 = phantom('Phantom.2', 2);
    const inner = [...officialZips(phantom('Phantom.1', 1)), ...officialZips(p2)];
    const dataset = { path: 'all.zip', bytes: zipOf(inner) };
    const untouchable: SourceFile = {
      path: 'Phantom.1/PATIENT_DICOM/image_0',
      size: 1,
      bytes: async () => {
        throw new Error('another patient’s file was read');
      },
    };
    const missing = p2.files.filter((file) => file.path !== 'Phantom.2/MASKS_DICOM/liver/image_2');
    for (const sources of [[dataset, untouchable], [untouchable, ...missing]]) {
      const loaded = await loadPatientSeries(sources, 'Phantom.2', 'liver');
      if (!loaded.ok) throw new Error(loaded.problem.message);
      const { ct, masks } = loaded.value;
      expect(ct.map((slice) => slice.instanceNumber)).toEqual([...Array(SLICES).keys()]);
      expect(masks.map((slice) => slice.instanceNumber)).toEqual([...Array(SLICES).keys()]);
      expect(ct[0].pixels).toBeInstanceOf(Int16Array);
      expect(masks[0].pixels).toBeInstanceOf(Uint8Array);
      expect(masks[0].pixels).toHaveLength(SIZE * SIZE);
    }
  });

  it('fails with a problem when the patient or organ is not there', async () => {
    const files = phantom('Phantom.1', 1).files;
    expect(await loadPatientSeries(files, 'Phantom.9', 'liver')).toMatchObject({ ok: false, problem: { message: 'no readable CT slice for patient Phantom.9' } });
    expect(await loadPatientSeries(files, 'Phantom.1', 'spleen')).toMatchObject({ ok: false, problem: { message: 'no readable spleen mask for patient Phantom.1' } });
  });
});
