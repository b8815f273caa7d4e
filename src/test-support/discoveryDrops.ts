// The drops behind the discovery tests (discovery/discover.*.test.ts): small phantom patients, cached
// per name and seed, written as real files or zipped the ways people drop them, scanned from disk as
// the CLI reads them, and the check that a scan found a phantom patient whole.
// Test support only: never imported by production code.
import { zipSync, type Zippable } from 'fflate';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { collectNodeSources } from '../node/nodeSources';
import { generatePhantomPatient, PHANTOM_FIELD_OF_VIEW_MM, type PhantomPatient } from '../phantom/phantom';
import { scanPatients, type ScanOptions, type ScanResult } from '../discovery/index';
import type { PatientScan } from '../discovery/types';
import { readSlice } from '../dicom/parse';
import { writeDicom, type DicomImageSpec, type DicomWriteOptions } from '../dicom/write';

/** Rows and columns of a phantom slice, and slices per phantom patient: small, so a drop scans fast. */
export const SIZE = 32;
export const SLICES = 16;

export type DropFile = { path: string; bytes: Uint8Array };

const phantoms = new Map<string, PhantomPatient>();
/** The phantom patient `name` (generated once per name and seed). */
export function phantom(name: string, seed = 7): PhantomPatient {
  const key = `${name}#${seed}`;
  if (!phantoms.has(key)) phantoms.set(key, generatePhantomPatient({ name, size: SIZE, slices: SLICES, seed }));
  return phantoms.get(key) as PhantomPatient;
}

/** Writes `files` under `root`, folders made as needed. */
export async function writeFiles(root: string, files: DropFile[]): Promise<void> {
  for (const file of files) {
    const target = path.join(root, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
}

/** Files under `prefix/` re-rooted (prefix removed), as a zip's content. */
export function zipOf(files: DropFile[], prefix = ''): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) if (file.path.startsWith(prefix)) entries[file.path.slice(prefix.length)] = file.bytes;
  return zipSync(entries, { level: 6 });
}

/** The official download's layout for one patient: `<name>/PATIENT_DICOM.zip` + `<name>/MASKS_DICOM.zip`. */
export function officialZips(patient: { name: string; files: DropFile[] }): DropFile[] {
  const inPatient = patient.files.map((file) => ({ ...file, path: file.path.slice(patient.name.length + 1) }));
  return [
    { path: `${patient.name}/PATIENT_DICOM.zip`, bytes: zipOf(inPatient.filter((f) => f.path.startsWith('PATIENT_DICOM/'))) },
    { path: `${patient.name}/MASKS_DICOM.zip`, bytes: zipOf(inPatient.filter((f) => f.path.startsWith('MASKS_DICOM/'))) },
  ];
}

/** Scans a folder (or a file) on disk as the CLI does: its files as sources, its empty folders noted. */
export async function scanFolder(folder: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const drop = await collectNodeSources([folder]);
  return scanPatients(drop.sources, { emptyFolders: drop.emptyFolders, ...opts });
}

/** A scan found `patient` whole: every CT slice in order, its geometry, both organs, no problems. */
export function expectPhantomPatient(scan: PatientScan | undefined, patient: PhantomPatient): void {
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

/** A DICOM slice written again with other header values (duplicates, other series, long headers, compressed copies). */
export function rewriteSlice(bytes: Uint8Array, changes: Partial<DicomImageSpec>, options?: DicomWriteOptions): Uint8Array {
  const read = readSlice(bytes, 'fixture');
  if (!read.ok) throw new Error(read.problem.message);
  const s = read.value;
  const spec: DicomImageSpec = {
    patientName: s.patientName ?? '',
    modality: s.modality ?? 'CT',
    instanceNumber: s.instanceNumber ?? 0,
    rows: s.rows,
    columns: s.columns,
    pixelSpacing: s.pixelSpacing ?? [1, 1],
    sliceThickness: s.sliceThickness ?? 1,
    imagePositionPatient: s.imagePositionPatient ?? [0, 0, 0],
    imageOrientationPatient: (s.imageOrientationPatient ?? [1, 0, 0, 0, 1, 0]) as DicomImageSpec['imageOrientationPatient'],
    seriesInstanceUid: s.seriesInstanceUid ?? '1.2.3',
    sopInstanceUid: s.sopInstanceUid ?? '1.2.3.4',
    studyInstanceUid: s.studyInstanceUid ?? '1.2.3.5',
    rescaleSlope: s.rescaleSlope,
    rescaleIntercept: s.rescaleIntercept,
    bitsAllocated: s.bitsAllocated as 8 | 16,
    pixelRepresentation: s.pixelRepresentation,
    pixels: s.pixels,
    ...changes,
  };
  return writeDicom(spec, options);
}

/** A phantom file again, as CT, with other header values (PatientName, Study UID). */
export function rewritten(file: DropFile, path: string, changes: Partial<DicomImageSpec>): DropFile {
  return { path, bytes: rewriteSlice(file.bytes, { modality: 'CT', ...changes }) };
}
