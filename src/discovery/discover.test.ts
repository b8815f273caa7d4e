// Discovery as a user meets it: phantom patients written to disk in every layout people drop (a
// dataset root, one patient, the official per-series zips, a zipped patient, a zip of zips), a drop
// full of broken inputs next to good patients, and the two real 3D-IRCADb-01 patients.
import { zipSync, type Zippable } from 'fflate';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectNodeSources } from '../node/nodeSources';
import { generatePhantomPatient, PHANTOM_FIELD_OF_VIEW_MM, type PhantomPatient } from '../phantom/phantom';
import { loadPatientSeries, scanPatients, type ScanOptions, type ScanResult } from './index';
import { readSlice } from '../dicom/parse';
import type { PatientScan } from './types';
import type { SourceFile } from '../common/types';
import { writeDicom, type DicomImageSpec, type DicomWriteOptions } from '../dicom/write';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED_DATA = path.resolve(here, '../../../shared/data');
const SIZE = 32;
const SLICES = 16;

type DropFile = { path: string; bytes: Uint8Array };

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'liverlab-discover-'));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

const phantoms = new Map<string, PhantomPatient>();
function phantom(name: string, seed = 7): PhantomPatient {
  const key = `${name}#${seed}`;
  if (!phantoms.has(key)) phantoms.set(key, generatePhantomPatient({ name, size: SIZE, slices: SLICES, seed }));
  return phantoms.get(key) as PhantomPatient;
}

async function writeFiles(root: string, files: DropFile[]): Promise<void> {
  for (const file of files) {
    const target = path.join(root, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
}

/** Files under `prefix/` re-rooted (prefix removed), as a zip's content. */
function zipOf(files: DropFile[], prefix = ''): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) if (file.path.startsWith(prefix)) entries[file.path.slice(prefix.length)] = file.bytes;
  return zipSync(entries, { level: 6 });
}

/** The official download's layout for one patient: `<name>/PATIENT_DICOM.zip` + `<name>/MASKS_DICOM.zip`. */
function officialZips(patient: { name: string; files: DropFile[] }): DropFile[] {
  const inPatient = patient.files.map((file) => ({ ...file, path: file.path.slice(patient.name.length + 1) }));
  return [
    { path: `${patient.name}/PATIENT_DICOM.zip`, bytes: zipOf(inPatient.filter((f) => f.path.startsWith('PATIENT_DICOM/'))) },
    { path: `${patient.name}/MASKS_DICOM.zip`, bytes: zipOf(inPatient.filter((f) => f.path.startsWith('MASKS_DICOM/'))) },
  ];
}

async function scanFolder(folder: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const drop = await collectNodeSources([folder]);
  return scanPatients(drop.sources, { emptyFolders: drop.emptyFolders, ...opts });
}

function expectPhantomPatient(scan: PatientScan | undefined, patient: PhantomPatient): void {
  expect(scan, patient.name).toBeDefined();
  const found = scan as PatientScan;
  expect(found.name).toBe(patient.name);
  expect(found.problems).toEqual([]);
  expect(found.usable).toBe(true);
  expect(found.ct.map((slice) => slice.instanceNumber)).toEqual([...Array(SLICES).keys()]);
  expect([found.rows, found.columns]).toEqual([SIZE, SIZE]);
  const mm = PHANTOM_FIELD_OF_VIEW_MM / SIZE;
  expect(found.spacing?.[0]).toBeCloseTo(mm, 4);
  expect(found.spacing?.[1]).toBeCloseTo(mm, 4);
  expect(found.spacing?.[2]).toBeCloseTo(1.6, 4);
  expect(found.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
  expect(found.modality).toBe('CT');
  expect(found.bytes).toBe(patient.files.reduce((sum, file) => sum + file.bytes.length, 0));
  expect(found.organs.map((organ) => organ.organ)).toEqual(['bone', 'liver']);
  const liver = found.organs[1];
  expect(liver.slices).toHaveLength(SLICES);
  expect(liver.nonEmptyRange).toEqual(patient.liverRange);
}

describe('scanPatients finds phantom patients in every layout', () => {
  const p1 = () => phantom('Phantom.1', 1);
  const p2 = () => phantom('Phantom.2', 2);
  const p10 = () => phantom('Phantom.10', 10);

  it('a dataset root with many patient folders, sorted naturally, with OS junk ignored', async () => {
    const root = path.join(temp, 'root', '3Dircadb1');
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
    const root = path.join(temp, 'one');
    await writeFiles(root, p2().files);
    const { patients, problems } = await scanFolder(path.join(root, 'Phantom.2'));
    expect(problems).toEqual([]);
    expect(patients).toHaveLength(1);
    expectPhantomPatient(patients[0], p2());
  });

  it('the official PATIENT_DICOM.zip + MASKS_DICOM.zip inside the patient folder', async () => {
    const root = path.join(temp, 'official');
    await writeFiles(root, officialZips(p1()));
    const { patients, problems } = await scanFolder(path.join(root, 'Phantom.1'));
    expect(problems).toEqual([]);
    expectPhantomPatient(patients[0], p1());
    expect(patients[0].ct[0].file).toBe('Phantom.1/PATIENT_DICOM/image_0');
  });

  it('a zip of a whole patient, with or without the patient folder inside', async () => {
    const root = path.join(temp, 'patient-zips');
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
    const root = path.join(temp, 'nested');
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

/** A spec that writes `slice` again (with `changes`): for duplicates, other series, compressed copies. */
function rewrite(bytes: Uint8Array, changes: Partial<DicomImageSpec>, options?: DicomWriteOptions): Uint8Array {
  const read = readSlice(bytes, 'fixture');
  if (!read.ok) throw new Error(read.problem.message);
  const slice = read.value;
  const spec: DicomImageSpec = {
    patientName: slice.patientName ?? 'x',
    modality: slice.modality ?? 'CT',
    instanceNumber: slice.instanceNumber ?? 0,
    rows: slice.rows,
    columns: slice.columns,
    pixelSpacing: slice.pixelSpacing ?? [1, 1],
    sliceThickness: slice.sliceThickness ?? 1,
    imagePositionPatient: slice.imagePositionPatient ?? [0, 0, 0],
    imageOrientationPatient: (slice.imageOrientationPatient ?? [1, 0, 0, 0, 1, 0]) as DicomImageSpec['imageOrientationPatient'],
    seriesInstanceUid: slice.seriesInstanceUid ?? '1.2.3',
    sopInstanceUid: slice.sopInstanceUid ?? '1.2.3.4',
    studyInstanceUid: slice.studyInstanceUid ?? '1.2.3.5',
    rescaleSlope: slice.rescaleSlope,
    rescaleIntercept: slice.rescaleIntercept,
    bitsAllocated: slice.bitsAllocated as 8 | 16,
    pixelRepresentation: slice.pixelRepresentation,
    pixels: slice.pixels,
    ...changes,
  };
  return writeDicom(spec, options);
}

/** Renames the InstanceNumber element (0020,0013) to (0020,0019) in an explicit VR LE file: the tag is gone. */
function withoutInstanceNumber(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  for (let i = 132; i + 6 < copy.length; i++) {
    if (copy[i] === 0x20 && copy[i + 1] === 0 && copy[i + 2] === 0x13 && copy[i + 3] === 0 && copy[i + 4] === 0x49 && copy[i + 5] === 0x53) {
      copy[i + 2] = 0x19;
      return copy;
    }
  }
  throw new Error('no InstanceNumber element');
}

const renamed = (patient: PhantomPatient, name: string): DropFile[] =>
  patient.files.map((file) => ({ path: name + file.path.slice(patient.name.length), bytes: file.bytes }));

describe('scanPatients in a drop of broken inputs next to good patients', () => {
  let scan: ScanResult;
  const patient = (name: string): PatientScan => {
    const found = scan.patients.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`patient ${name} not found among ${scan.patients.map((p) => p.name).join(', ')}`);
    return found;
  };
  const messages = (name: string) => patient(name).problems.map(({ file, message, severity }) => ({ file, message, severity }));

  beforeAll(async () => {
    const root = path.join(temp, 'broken', 'drop');
    const files: DropFile[] = [...phantom('Good.1', 1).files, ...phantom('Good.2', 2).files];
    const base = (name: string, seed = 3) => renamed(phantom('Base', seed), name);
    const replace = (list: DropFile[], at: string, bytes: Uint8Array | null): DropFile[] =>
      list.flatMap((file) => (file.path === at ? (bytes ? [{ ...file, bytes }] : []) : [file]));

    files.push(...base('Bad.nondicom'), { path: 'Bad.nondicom/PATIENT_DICOM/notes.txt', bytes: new TextEncoder().encode('hello') });
    const truncated = base('Bad.truncated');
    const cut = truncated.find((file) => file.path.endsWith('PATIENT_DICOM/image_7')) as DropFile;
    files.push(...replace(truncated, cut.path, cut.bytes.subarray(0, cut.bytes.length - 500)));
    files.push(...replace(base('Bad.missingmask'), 'Bad.missingmask/MASKS_DICOM/liver/image_5', null));
    const smallBones = renamed(generatePhantomPatient({ name: 'Base', size: 24, slices: SLICES, seed: 3 }), 'Bad.masksize');
    files.push(...base('Bad.masksize').filter((file) => !file.path.includes('/bone/')), ...smallBones.filter((file) => file.path.includes('/bone/')));
    const duplicate = base('Bad.duplicate');
    const third = duplicate.find((file) => file.path.endsWith('PATIENT_DICOM/image_3')) as DropFile;
    files.push(...duplicate, { path: 'Bad.duplicate/PATIENT_DICOM/image_3b', bytes: rewrite(third.bytes, { sopInstanceUid: '1.2.826.0.1.3680043.99.3' }) });
    files.push(...base('Bad.noct').filter((file) => file.path.includes('/MASKS_DICOM/')));
    const otherSeries = renamed(phantom('Base', 4), 'Bad.mixed').filter((file) => /PATIENT_DICOM\/image_[0-2]$/.test(file.path));
    files.push(...base('Bad.mixed'), ...otherSeries.map((file) => ({ ...file, path: file.path.replace('image_', 'other_') })));
    files.push(
      ...base('Bad.noinstance').map((file) =>
        file.path.includes('/PATIENT_DICOM/') ? { ...file, bytes: withoutInstanceNumber(file.bytes) } : file,
      ),
    );
    const compressed = base('Bad.compressed').map((file) =>
      file.path.includes('/PATIENT_DICOM/')
        ? { ...file, bytes: rewrite(file.bytes, {}, { encapsulated: { transferSyntaxUid: '1.2.840.10008.1.2.4.50', frames: [new Uint8Array(64)] } }) }
        : file,
    );
    files.push(...compressed);

    const zipped = officialZips({ name: 'Bad.zipentry', files: renamed(phantom('Base', 5), 'Bad.zipentry') });
    const ctZip = zipped[0].bytes;
    const entry = entryDataOffset(ctZip, 'PATIENT_DICOM/image_4');
    ctZip[entry] = 0xff; // a reserved deflate block type: this entry cannot be inflated
    files.push(...zipped);
    const bombPatient = renamed(phantom('Base', 6), 'Bad.bomb');
    bombPatient.push({ path: 'Bad.bomb/PATIENT_DICOM/image_99', bytes: new Uint8Array(4 << 20) });
    files.push({ path: 'Bad.bomb.zip', bytes: zipOf(bombPatient) });
    files.push({ path: 'notes.txt', bytes: new TextEncoder().encode('my notes') });

    await writeFiles(root, files);
    await mkdir(path.join(root, 'Good.2', 'MASKS_DICOM', 'portalvein'), { recursive: true });
    scan = await scanFolder(root, { zipCaps: { maxEntryBytes: 1 << 20 } });
  });

  it('still finds every patient, and the good ones are intact and usable', () => {
    expect(scan.patients.map((p) => p.name)).toEqual([
      'Bad.bomb',
      'Bad.compressed',
      'Bad.duplicate',
      'Bad.masksize',
      'Bad.missingmask',
      'Bad.mixed',
      'Bad.noct',
      'Bad.noinstance',
      'Bad.nondicom',
      'Bad.truncated',
      'Bad.zipentry',
      'Good.1',
      'Good.2',
    ]);
    expectPhantomPatient(patient('Good.1'), phantom('Good.1', 1));
    expect(patient('Good.2').usable).toBe(true);
    expect(scan.patients.filter((p) => !p.usable).map((p) => p.name)).toEqual(['Bad.compressed', 'Bad.noct']);
  });

  it('warns about a file outside the layout, at the top level', () => {
    expect(scan.problems).toEqual([
      { file: 'drop/notes.txt', message: expect.stringMatching(/^not part of the 3D-IRCADb layout/), severity: 'warning' },
    ]);
  });

  it('reports an empty organ folder', () => {
    expect(messages('Good.2')).toEqual([
      { file: 'drop/Good.2/MASKS_DICOM/portalvein', message: 'portalvein: organ folder is empty', severity: 'warning' },
    ]);
    expect(patient('Good.2').organs.map((organ) => [organ.organ, organ.slices.length, organ.nonEmptyRange])).toEqual([
      ['bone', SLICES, expect.any(Array)],
      ['liver', SLICES, phantom('Good.2', 2).liverRange],
      ['portalvein', 0, null],
    ]);
  });

  it('names a non-DICOM file in a series folder', () => {
    expect(messages('Bad.nondicom')).toEqual([
      { file: 'drop/Bad.nondicom/PATIENT_DICOM/notes.txt', message: 'not a DICOM file', severity: 'error' },
    ]);
    expect(patient('Bad.nondicom').ct).toHaveLength(SLICES);
  });

  it('names a truncated file, and pairs the masks with the CT slices left', () => {
    const truncated = patient('Bad.truncated');
    expect(truncated.ct).toHaveLength(SLICES - 1);
    expect(messages('Bad.truncated')).toEqual([
      { file: 'drop/Bad.truncated/PATIENT_DICOM/image_7', message: expect.stringMatching(/^truncated: pixel data has \d+ bytes, expected 2048$/), severity: 'error' },
      { file: 'drop/Bad.truncated/PATIENT_DICOM', message: 'slice spacing varies from 1.6 to 3.2 mm (missing slices?)', severity: 'warning' },
      { file: 'drop/Bad.truncated/PATIENT_DICOM', message: 'PATIENT_DICOM: InstanceNumber 7 missing (1 slice): the series has gaps', severity: 'warning' },
      { file: 'drop/Bad.truncated/MASKS_DICOM/bone', message: `bone: ${SLICES} mask slices for ${SLICES - 1} CT slices`, severity: 'warning' },
      { file: 'drop/Bad.truncated/MASKS_DICOM/bone/image_7', message: 'bone: 1 mask slice(s) have no CT slice with the same InstanceNumber (7); ignored', severity: 'warning' },
      { file: 'drop/Bad.truncated/MASKS_DICOM/liver', message: `liver: ${SLICES} mask slices for ${SLICES - 1} CT slices`, severity: 'warning' },
      { file: 'drop/Bad.truncated/MASKS_DICOM/liver/image_7', message: 'liver: 1 mask slice(s) have no CT slice with the same InstanceNumber (7); ignored', severity: 'warning' },
    ]);
    expect(truncated.usable).toBe(true);
  });

  it('says which mask slice is missing', () => {
    expect(messages('Bad.missingmask')).toEqual([
      {
        file: 'drop/Bad.missingmask/MASKS_DICOM/liver',
        message: `liver: ${SLICES - 1} mask slices for ${SLICES} CT slices (no mask for InstanceNumber 5)`,
        severity: 'warning',
      },
    ]);
    expect(patient('Bad.missingmask').organs[1].nonEmptyRange).toEqual(phantom('Base', 3).liverRange);
  });

  it('flags a mask of another size than the CT', () => {
    expect(messages('Bad.masksize')).toEqual([
      {
        file: 'drop/Bad.masksize/MASKS_DICOM/bone/image_0',
        message: `bone: mask is 24×24 but the CT is 32×32 (${SLICES} of ${SLICES} slices); those slices are ignored`,
        severity: 'error',
      },
    ]);
    const bone = patient('Bad.masksize').organs[0];
    expect([bone.slices.length, bone.nonEmptyRange]).toEqual([SLICES, null]);
    expect(patient('Bad.masksize').usable).toBe(true);
  });

  it('names both files of a duplicate InstanceNumber', () => {
    expect(messages('Bad.duplicate')).toEqual([
      {
        file: 'drop/Bad.duplicate/PATIENT_DICOM/image_3b',
        message:
          'PATIENT_DICOM: InstanceNumber 3 appears in both drop/Bad.duplicate/PATIENT_DICOM/image_3 and ' +
          'drop/Bad.duplicate/PATIENT_DICOM/image_3b; image_3b ignored',
        severity: 'error',
      },
    ]);
    expect(patient('Bad.duplicate').ct.map((slice) => slice.file)).toContain('drop/Bad.duplicate/PATIENT_DICOM/image_3');
    expect(patient('Bad.duplicate').ct).toHaveLength(SLICES);
  });

  it('makes a patient with no CT unusable', () => {
    expect(messages('Bad.noct')).toEqual([
      { file: 'drop/Bad.noct', message: 'no PATIENT_DICOM series: this patient cannot be used', severity: 'error' },
    ]);
    expect(patient('Bad.noct').organs.map((organ) => organ.organ)).toEqual(['bone', 'liver']);
  });

  it('keeps the larger of two series mixed in PATIENT_DICOM', () => {
    const [problem] = messages('Bad.mixed');
    expect(problem).toMatchObject({ file: 'drop/Bad.mixed/PATIENT_DICOM', severity: 'warning' });
    expect(problem.message).toMatch(/^PATIENT_DICOM mixes 2 series: kept [\d.]+ \(16 files\), ignored series [\d.]+ \(3 files, e\.g\. other_0\)$/);
    expect(messages('Bad.mixed')).toHaveLength(1);
    expect(patient('Bad.mixed').ct).toHaveLength(SLICES);
  });

  it('orders a CT without InstanceNumbers by position, and says so', () => {
    expect(messages('Bad.noinstance')).toEqual([
      {
        file: 'drop/Bad.noinstance/PATIENT_DICOM',
        message: `PATIENT_DICOM: ${SLICES} of ${SLICES} slices have no InstanceNumber; ordered and numbered by ImagePositionPatient`,
        severity: 'warning',
      },
    ]);
    expect(patient('Bad.noinstance').ct[5].file).toBe('drop/Bad.noinstance/PATIENT_DICOM/image_5');
    expect(patient('Bad.noinstance').organs[1].nonEmptyRange).toEqual(phantom('Base', 3).liverRange);
  });

  it('names a compressed transfer syntax LiverLab cannot decode and makes the patient unusable', () => {
    const compressed = patient('Bad.compressed');
    expect(compressed.usable).toBe(false);
    expect(compressed.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.50');
    expect(messages('Bad.compressed')).toEqual([
      {
        file: 'drop/Bad.compressed/PATIENT_DICOM',
        message:
          'CT uses compressed transfer syntax JPEG Baseline (Process 1) (1.2.840.10008.1.2.4.50), which LiverLab cannot decode ' +
          '(it decodes JPEG lossless, JPEG-LS, JPEG 2000 and RLE)',
        severity: 'error',
      },
      {
        file: 'drop/Bad.compressed/PATIENT_DICOM/image_0',
        message:
          'compressed transfer syntax JPEG Baseline (Process 1) (1.2.840.10008.1.2.4.50) is not supported ' +
          `(LiverLab decodes JPEG lossless, JPEG-LS, JPEG 2000 and RLE) (and ${SLICES - 1} more files)`,
        severity: 'error',
      },
    ]);
  });

  it('names the zip and entry of a corrupt entry; the rest of the zip still loads', () => {
    const problems = messages('Bad.zipentry');
    expect(problems[0]).toEqual({
      file: 'drop/Bad.zipentry/PATIENT_DICOM.zip',
      message: expect.stringMatching(/^entry PATIENT_DICOM\/image_4: corrupt data \(/),
      severity: 'error',
    });
    expect(patient('Bad.zipentry').ct).toHaveLength(SLICES - 1);
    expect(patient('Bad.zipentry').usable).toBe(true);
  });

  it('stops a zip bomb at the per-entry cap, naming the zip and entry', () => {
    expect(messages('Bad.bomb')).toEqual([
      {
        file: 'drop/Bad.bomb.zip',
        message: 'entry Bad.bomb/PATIENT_DICOM/image_99: over the 1 MiB per-entry cap: inflates to 4 MiB (zip bomb?); skipped',
        severity: 'error',
      },
    ]);
    expect(patient('Bad.bomb').ct).toHaveLength(SLICES);
  });
});

/** Byte offset of the compressed data of `entryName` in a zip written by fflate. */
function entryDataOffset(zip: Uint8Array, entryName: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let offset = 0; view.getUint32(offset, true) === 0x04034b50; ) {
    const nameLength = view.getUint16(offset + 26, true);
    const data = offset + 30 + nameLength + view.getUint16(offset + 28, true);
    if (new TextDecoder().decode(zip.subarray(offset + 30, offset + 30 + nameLength)) === entryName) return data;
    offset = data + view.getUint32(offset + 18, true);
  }
  throw new Error(`no entry ${entryName}`);
}

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

// ---------------------------------------------------------------------------------------------

describe('the real 3D-IRCADb-01 patients', () => {
  beforeAll(() => {
    if (!existsSync(path.join(SHARED_DATA, '3Dircadb1.17', 'PATIENT_DICOM.zip'))) {
      throw new Error(`real test data missing: expected ${SHARED_DATA}/3Dircadb1.17/PATIENT_DICOM.zip (see shared/data/README.md)`);
    }
  });

  it('drops 3Dircadb1.17 from its zips and sees 119 slices and 8 organs', async () => {
    const started = performance.now();
    const { patients, problems } = await scanFolder(path.join(SHARED_DATA, '3Dircadb1.17'));
    console.log(`scanning 3Dircadb1.17 from its zips took ${Math.round(performance.now() - started)} ms`);
    expect(problems).toEqual([]);
    expect(patients).toHaveLength(1);
    const [patient] = patients;
    expect(patient.name).toBe('3Dircadb1.17');
    expect(patient.ct).toHaveLength(119);
    expect(patient.ct.map((slice) => slice.instanceNumber)).toEqual([...Array(119).keys()]);
    expect([patient.rows, patient.columns]).toEqual([512, 512]);
    expect(patient.spacing?.[0]).toBeCloseTo(0.743, 3);
    expect(patient.spacing?.[1]).toBeCloseTo(0.743, 3);
    expect(patient.spacing?.[2]).toBeCloseTo(1.6, 4);
    expect(patient.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(patient.modality).toBe('CT');
    expect(patient.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(patient.usable).toBe(true);
    expect(Object.fromEntries(patient.organs.map((organ) => [organ.organ, [organ.slices.length, organ.nonEmptyRange]]))).toEqual({
      artery: [119, [0, 118]],
      bone: [119, [0, 118]],
      liver: [119, [1, 113]],
      livertumor1: [119, [84, 113]],
      livertumor2: [119, [78, 105]],
      portalvein: [119, [0, 100]],
      skin: [119, [0, 118]],
      venoussystem: [119, [0, 115]],
    });
  });

  it('drops the whole data folder and sees both patients, naturally sorted', async () => {
    const { patients } = await scanFolder(SHARED_DATA);
    expect(patients.map((patient) => patient.name)).toEqual(['3Dircadb1.1', '3Dircadb1.17']);
    const [first] = patients;
    expect(first.ct).toHaveLength(129);
    expect(first.spacing?.[0]).toBeCloseTo(0.57, 3);
    expect(first.organs.map((organ) => [organ.organ, organ.slices.length, organ.nonEmptyRange])).toEqual([['liver', 129, [27, 124]]]);
    expect(patients.every((patient) => patient.usable && patient.problems.every((problem) => problem.severity !== 'error'))).toBe(true);
  });

  it('loads 3Dircadb1.17’s CT and liver masks from the zips, aligned by InstanceNumber', async () => {
    const drop = await collectNodeSources([path.join(SHARED_DATA, '3Dircadb1.17')]);
    const loaded = await loadPatientSeries(drop.sources, '3Dircadb1.17', 'liver');
    if (!loaded.ok) throw new Error(loaded.problem.message);
    const { ct, masks } = loaded.value;
    expect(ct).toHaveLength(119);
    expect(masks).toHaveLength(119);
    expect(masks.map((mask) => mask.instanceNumber)).toEqual(ct.map((slice) => slice.instanceNumber));
    expect(ct.map((slice) => slice.instanceNumber)).toEqual([...Array(119).keys()]);
    expect(ct[60].pixels).toBeInstanceOf(Int16Array);
    expect(masks[60].pixels).toHaveLength(512 * 512);
    expect(masks[0].pixels.some((value) => value !== 0)).toBe(false);
    expect(masks[1].pixels.some((value) => value !== 0)).toBe(true);
  });
});
