// Discovery in a drop full of broken inputs next to good patients: non-DICOM and truncated files,
// missing and mis-sized masks, duplicates, a patient with no CT, mixed series, no InstanceNumbers, a
// compressed transfer syntax, a corrupt zip entry, a zip bomb — each a problem naming its file, the
// good patients intact.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePhantomPatient, type PhantomPatient } from '../phantom/phantom';
import type { ScanResult } from './index';
import type { PatientScan } from './types';
import { tempFolderPerFile } from '../test-support/tempFolder';
import {
  expectPhantomPatient,
  officialZips,
  phantom,
  rewriteSlice,
  scanFolder,
  SLICES,
  writeFiles,
  zipOf,
  type DropFile,
} from '../test-support/discoveryDrops';

const drops = tempFolderPerFile('liverlab-discover-');

const rewrite = rewriteSlice;

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
    const root = path.join(drops.folder(), 'broken', 'drop');
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
