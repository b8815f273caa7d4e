// The real patients 3Dircadb1.17 and 3Dircadb1.1, from their zips to the kept training slices:
// every kept image and mask must hash like the reference pipeline's (pydicom + OpenCV 4.6).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readSlice } from '../dicom/parse';
import type { DicomSlice } from '../dicom/types';
import { clahe } from './clahe';
import { DEFAULT_PIPELINE_PARAMS } from './params';
import { preprocessPatient, windowSlice } from './preprocessPatient';

const SHARED = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared');

function sharedFile(...parts: string[]): string {
  const path = join(SHARED, ...parts);
  if (!existsSync(path)) throw new Error(`shared test data missing: ${path} (the shared/ folder must sit next to the repo clone)`);
  return path;
}

interface PipelineReference {
  slices: number;
  start: number;
  end: number;
  keptFrom: number;
  keptTo: number;
  kept: number;
  width: number;
  height: number;
  images: string;
  masks: string;
  sha256Images: string;
  sha256Masks: string;
  sliceSha256Images: string[];
  sliceSha256Masks: string[];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Read every entry under `prefix` of a zip as a DICOM slice, sorted by InstanceNumber. */
function readSeries(zipPath: string, prefix: string): DicomSlice[] {
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)), { filter: (f) => f.name.startsWith(prefix) && !f.name.endsWith('/') });
  const slices: DicomSlice[] = [];
  for (const [name, bytes] of Object.entries(entries)) {
    const result = readSlice(bytes, name);
    if (!result.ok) throw new Error(`${name}: ${result.problem.message}`);
    if (result.value.instanceNumber === null) throw new Error(`${name}: no InstanceNumber to sort by`);
    slices.push(result.value);
  }
  slices.sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  return slices;
}

/** The first kept slice whose bytes differ from the reference, with its count of differing pixels. */
function firstDifference(got: Uint8Array, referenceGz: string, sliceSize: number, keptFrom: number): string {
  const want = new Uint8Array(gunzipSync(readFileSync(referenceGz)));
  for (let i = 0; i * sliceSize < Math.min(got.length, want.length); i++) {
    const a = got.subarray(i * sliceSize, (i + 1) * sliceSize);
    const b = want.subarray(i * sliceSize, (i + 1) * sliceSize);
    let differing = 0;
    for (let p = 0; p < sliceSize; p++) if (a[p] !== b[p]) differing++;
    if (differing > 0) return `first differing kept slice ${i} (sorted slice ${keptFrom + i}): ${differing} of ${sliceSize} pixels differ`;
  }
  return got.length === want.length ? 'no pixel differs' : `length ${got.length} vs reference ${want.length}`;
}

describe.each(['3Dircadb1.17', '3Dircadb1.1'])('patient %s from its zips', (patient) => {
  it('preprocesses to exactly the reference pipeline output', () => {
    const reference = JSON.parse(readFileSync(sharedFile('reference/pipeline', `${patient}.json`), 'utf8')) as PipelineReference;
    const ct = readSeries(sharedFile('data', patient, 'PATIENT_DICOM.zip'), 'PATIENT_DICOM/');
    const masks = readSeries(sharedFile('data', patient, 'MASKS_DICOM.zip'), 'MASKS_DICOM/liver/');
    expect(ct.length).toBe(reference.slices);
    expect(masks.length).toBe(reference.slices);

    const result = preprocessPatient(
      { patient, width: ct[0].columns, height: ct[0].rows, ct, masks: masks.map((m) => m.pixels) },
      DEFAULT_PIPELINE_PARAMS,
    );
    if (!result.ok) throw new Error(`${result.problem.file}: ${result.problem.message}`);
    const p = result.value;
    expect({ start: p.start, end: p.end, keptFrom: p.keptFrom, keptTo: p.keptTo, kept: p.kept, width: p.width, height: p.height }).toEqual({
      start: reference.start,
      end: reference.end,
      keptFrom: reference.keptFrom,
      keptTo: reference.keptTo,
      kept: reference.kept,
      width: reference.width,
      height: reference.height,
    });

    const sliceSize = p.width * p.height;
    for (const [what, data, hashes, gz] of [
      ['images', p.images, reference.sliceSha256Images, reference.images],
      ['masks', p.masks, reference.sliceSha256Masks, reference.masks],
    ] as const) {
      let mismatched = 0;
      for (let i = 0; i < p.kept; i++) if (sha256(data.subarray(i * sliceSize, (i + 1) * sliceSize)) !== hashes[i]) mismatched++;
      const detail = mismatched === 0 ? '' : firstDifference(data, sharedFile('reference/pipeline', gz), sliceSize, p.keptFrom);
      expect(mismatched, `${patient} ${what}: ${mismatched} of ${p.kept} kept slices differ; ${detail}`).toBe(0);
    }
    expect(sha256(p.images)).toBe(reference.sha256Images);
    expect(sha256(p.masks)).toBe(reference.sha256Masks);

    if (patient === '3Dircadb1.17') {
      // Not asserted: how fast CLAHE runs on a real windowed 512×512 slice here.
      const slice = windowSlice(ct[p.keptFrom + Math.floor(p.kept / 2)]);
      const out = new Uint8Array(sliceSize);
      for (let i = 0; i < 20; i++) clahe(slice, p.width, p.height, {}, out);
      const batches: number[] = [];
      for (let b = 0; b < 10; b++) {
        const t0 = performance.now();
        for (let i = 0; i < 10; i++) clahe(slice, p.width, p.height, {}, out);
        batches.push((performance.now() - t0) / 10);
      }
      const mean = batches.reduce((a, b) => a + b, 0) / batches.length;
      console.log(`clahe ${p.width}×${p.height}: ${mean.toFixed(2)} ms/slice mean, ${Math.min(...batches).toFixed(2)} best batch (Node ${process.version})`);
    }
  });
});
