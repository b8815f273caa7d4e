// Scanning with `checkOrgans`: CT slices and the other organs' masks are read only as far as their
// header (loose files and zip entries alike), and must give the same patient as a full scan; a header
// longer than the part read is read again whole, not lost.
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { generatePhantomPatient } from '../phantom/phantom';
import { blobSource } from '../common/blobSource';
import { scanPatients } from './scanPatients';
import type { PatientScan } from './types';
import type { SourceFile } from '../common/types';
import { rewriteSlice } from '../test-support/discoveryDrops';
import { HEAD_BYTES } from '../archive/zipCaps';

const patient = generatePhantomPatient({ name: 'Phantom.1', size: 128, slices: 24, seed: 7 });

/** The first CT slice again, with a PatientName so long that its header does not fit in HEAD_BYTES. */
function longHeaderSlice(bytes: Uint8Array): Uint8Array {
  return rewriteSlice(bytes, { patientName: 'Long^'.padEnd(HEAD_BYTES + 4000, 'x'), modality: 'CT', bitsAllocated: 16 });
}

const files = patient.files.map((f, i) => ({ path: f.path, bytes: i === 0 ? longHeaderSlice(f.bytes) : f.bytes }));
const asFiles = (): SourceFile[] => files.map((f) => blobSource({ path: f.path, file: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) }));
const asZip = (): SourceFile[] => {
  const zip = zipSync(Object.fromEntries(files.map((f) => [f.path, f.bytes])), { level: 6 });
  return [blobSource({ path: 'Phantom.1.zip', file: new Blob([zip]) })];
};

function essentials(p: PatientScan) {
  return {
    name: p.name,
    ct: p.ct,
    spacing: p.spacing,
    rows: p.rows,
    usable: p.usable,
    liver: p.organs.find((o) => o.organ === 'liver')?.nonEmptyRange,
    problems: p.problems,
  };
}

describe('scanning headers only', () => {
  it.each([
    ['loose files', asFiles],
    ['a zip', asZip],
  ])('%s: same patient as a full scan, the unchecked organ says so', async (_, sources) => {
    expect(files[0].bytes.length).toBeGreaterThan(HEAD_BYTES);
    const full = await scanPatients(sources());
    const headers = await scanPatients(sources(), { checkOrgans: ['liver'] });
    expect(full.patients).toHaveLength(1);
    expect(essentials(headers.patients[0])).toEqual(essentials(full.patients[0]));
    expect(headers.patients[0].ct).toHaveLength(24);
    expect(headers.patients[0].ct[0].file).toBe('Phantom.1/PATIENT_DICOM/image_0'); // the long header, read again whole
    expect(headers.patients[0].organs.find((o) => o.organ === 'liver')?.nonEmptyRange).toEqual(patient.liverRange);
    const bone = headers.patients[0].organs.find((o) => o.organ === 'bone')!;
    expect(bone.unchecked).toBe(true);
    expect(bone.slices).toHaveLength(24);
    expect(bone.slices.every((s) => s.nonEmpty === null)).toBe(true);
    expect(full.patients[0].organs.find((o) => o.organ === 'bone')?.unchecked).toBeUndefined();
  });
});
