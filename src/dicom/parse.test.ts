// The reader's story: real 3D-IRCADb-01 slices read straight from their zips come back with the facts
// of shared/data/README.md, and every kind of broken file on disk becomes a Problem naming the file
// (never an exception).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { readHeader, readSlice, readSliceAsync } from './parse';
import type { DicomSlice } from './types';
import type { PixelArray, Result } from '../common/types';
import { makeUid, writeDicom, type DicomImageSpec, type DicomWriteOptions } from './write';

const here = path.dirname(fileURLToPath(import.meta.url));
/** `<repo>/../shared/data`: the real data lives next to the repository, here and in CI. */
const sharedData = path.resolve(here, '../../../shared/data');

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverlab-parse-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

/** Writes bytes as a real file and reads them back, as a drop would. */
function throughDisk(name: string, bytes: Uint8Array): Uint8Array {
  const file = path.join(tempDir, name);
  fs.writeFileSync(file, bytes);
  return fs.readFileSync(file);
}

/** Only the wanted entries of a zip are inflated. Missing data fails loudly, it is never skipped. */
function zipEntries(zipPath: string, names: string[]): Record<string, Uint8Array> {
  if (!fs.existsSync(zipPath)) {
    throw new Error(
      `real test data missing: ${zipPath}. The shared/ folder must sit next to the repository (see shared/data/README.md).`,
    );
  }
  const wanted = new Set(names);
  const entries = unzipSync(fs.readFileSync(zipPath), { filter: (entry) => wanted.has(entry.name) });
  for (const name of names) if (!entries[name]) throw new Error(`${zipPath} has no entry ${name}`);
  return entries;
}

function expectSlice(result: Result<DicomSlice>): DicomSlice {
  if (!result.ok) throw new Error(`${result.problem.file}: ${result.problem.message}`);
  return result.value;
}

function range(pixels: PixelArray): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of pixels) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}

describe('drops 3Dircadb1.17 from its zips', () => {
  const zip = path.join(sharedData, '3Dircadb1.17', 'PATIENT_DICOM.zip');
  const masks = path.join(sharedData, '3Dircadb1.17', 'MASKS_DICOM.zip');

  it.each([0, 60])('reads PATIENT_DICOM/image_%i as a 512×512 signed CT slice with the documented header', (k) => {
    const entry = `PATIENT_DICOM/image_${k}`;
    const bytes = zipEntries(zip, [entry])[entry];
    const file = `3Dircadb1.17/${entry}`;

    const header = readHeader(bytes, file);
    const slice = expectSlice(readSlice(bytes, file));
    expect(header).toEqual({ ok: true, value: omitPixels(slice) });

    expect(slice.rows).toBe(512);
    expect(slice.columns).toBe(512);
    expect(slice.pixels).toBeInstanceOf(Int16Array);
    expect(slice.pixels.length).toBe(512 * 512);
    expect(slice.rescaleSlope).toBe(1);
    expect(slice.rescaleIntercept).toBe(0);
    expect(slice.pixelSpacing?.[0]).toBeCloseTo(0.743, 6);
    expect(slice.pixelSpacing?.[1]).toBeCloseTo(0.743, 6);
    expect(slice.sliceThickness).toBeCloseTo(1.6, 6);
    expect(slice.instanceNumber).toBe(k);
    expect(slice.imagePositionPatient?.[2]).toBeCloseTo(1.6 * k, 4);
    expect(slice.imageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
    expect(slice.modality).toBe('CT');
    expect(slice.patientName).toBe('liver_17^patient');
    expect(slice.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect([slice.bitsAllocated, slice.bitsStored, slice.pixelRepresentation]).toEqual([16, 16, 1]);
    expect([slice.samplesPerPixel, slice.photometricInterpretation]).toEqual([1, 'MONOCHROME2']);
    expect([slice.windowCenter, slice.windowWidth]).toEqual([0, 0]);
    expect(slice.seriesInstanceUid).toMatch(/^1\.2\.826\.0\.1\.3680043\.2\.1125\./);
    const [min, max] = range(slice.pixels);
    expect(min).toBeGreaterThanOrEqual(-1024);
    expect(max).toBeLessThanOrEqual(1023);
    expect(max - min).toBeGreaterThan(1000);
  });

  it('reads MASKS_DICOM/liver/image_60 as a non-empty 8-bit 0/255 mask, and image_0 as empty', () => {
    const entries = zipEntries(masks, ['MASKS_DICOM/liver/image_60', 'MASKS_DICOM/liver/image_0']);
    const mask = expectSlice(readSlice(entries['MASKS_DICOM/liver/image_60'], '3Dircadb1.17/MASKS_DICOM/liver/image_60'));
    expect(mask.pixels).toBeInstanceOf(Uint8Array);
    expect(mask.pixels.length).toBe(512 * 512);
    expect(mask.instanceNumber).toBe(60);
    expect(mask.patientName).toBe('liver_17^liver');
    expect(new Set(mask.pixels)).toEqual(new Set([0, 255]));
    const first = expectSlice(readSlice(entries['MASKS_DICOM/liver/image_0'], '3Dircadb1.17/MASKS_DICOM/liver/image_0'));
    expect(new Set(first.pixels)).toEqual(new Set([0]));
  });
});

describe('drops 3Dircadb1.1 from its zips', () => {
  it('reads image_0 with 0.57 mm pixels and the derived liver mask of slice 60', () => {
    const ct = zipEntries(path.join(sharedData, '3Dircadb1.1', 'PATIENT_DICOM.zip'), ['PATIENT_DICOM/image_0']);
    const slice = expectSlice(readSlice(ct['PATIENT_DICOM/image_0'], '3Dircadb1.1/PATIENT_DICOM/image_0'));
    expect(slice.patientName).toBe('liver_01^patient');
    expect(slice.pixelSpacing?.[0]).toBeCloseTo(0.57, 6);
    expect(slice.instanceNumber).toBe(0);

    const masks = zipEntries(path.join(sharedData, '3Dircadb1.1', 'MASKS_DICOM.zip'), ['MASKS_DICOM/liver/image_60']);
    const mask = expectSlice(readSlice(masks['MASKS_DICOM/liver/image_60'], '3Dircadb1.1/MASKS_DICOM/liver/image_60'));
    expect(mask.pixels).toBeInstanceOf(Uint8Array);
    expect(new Set(mask.pixels)).toEqual(new Set([0, 255]));
  });
});

function omitPixels(slice: DicomSlice): Omit<DicomSlice, 'pixels'> {
  const { pixels: _pixels, ...header } = slice;
  return header;
}

/** A valid 64×64 CT slice to break in various ways. */
function ctSpec(overrides: Partial<DicomImageSpec> = {}): DicomImageSpec {
  const pixels = new Int16Array(64 * 64);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i % 2048) - 1024;
  return {
    patientName: 'broken^patient',
    modality: 'CT',
    instanceNumber: 3,
    rows: 64,
    columns: 64,
    pixelSpacing: [0.7, 0.7],
    sliceThickness: 1.6,
    imagePositionPatient: [0, 0, 4.8],
    imageOrientationPatient: [1, 0, 0, 0, 1, 0],
    seriesInstanceUid: makeUid('broken', 'series'),
    sopInstanceUid: makeUid('broken', 'sop', 3),
    studyInstanceUid: makeUid('broken', 'study'),
    rescaleSlope: 1,
    rescaleIntercept: 0,
    bitsAllocated: 16,
    pixelRepresentation: 1,
    pixels,
    ...overrides,
  };
}

/** Byte offset of the first occurrence of an ASCII string (for patching a written file). */
function indexOfAscii(bytes: Uint8Array, value: string, from = 0): number {
  outer: for (let i = from; i <= bytes.length - value.length; i++) {
    for (let j = 0; j < value.length; j++) if (bytes[i + j] !== value.charCodeAt(j)) continue outer;
    return i;
  }
  throw new Error(`"${value}" not found`);
}

/** Offset of the (7FE0,0010) element header in a little endian file. */
function pixelDataHeaderOffset(bytes: Uint8Array): number {
  for (let i = bytes.length - 8; i >= 0; i--) {
    if (bytes[i] === 0xe0 && bytes[i + 1] === 0x7f && bytes[i + 2] === 0x10 && bytes[i + 3] === 0x00) return i;
  }
  throw new Error('no pixel data element');
}

/** Both readers report the same problem for a broken file, naming it. */
function expectProblem(bytes: Uint8Array, file: string, message: string | RegExp): void {
  for (const result of [readHeader(bytes, file), readSlice(bytes, file)]) {
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.file).toBe(file);
    expect(result.problem.severity).toBe('error');
    if (typeof message === 'string') expect(result.problem.message).toBe(message);
    else expect(result.problem.message).toMatch(message);
  }
}

describe('broken files become problems naming the file', () => {
  it('says "empty file" for 0 bytes', () => {
    expectProblem(throughDisk('empty', new Uint8Array(0)), 'drop/empty', 'empty file');
  });

  it('says "not a DICOM file" for a text file', () => {
    const textFile = throughDisk('notes.txt', new TextEncoder().encode('Patient notes\nliver volume 1.5 l\n'.repeat(20)));
    expectProblem(textFile, 'drop/notes.txt', 'not a DICOM file');
  });

  it('says "not a DICOM file" for random bytes, short or long', () => {
    let state = 12345;
    const random = (length: number) =>
      Uint8Array.from({ length }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24));
    expectProblem(throughDisk('random', random(5000)), 'drop/random', 'not a DICOM file');
    expectProblem(throughDisk('tiny', random(3)), 'drop/tiny', 'not a DICOM file');
  });

  it('says the header is corrupt when DICM is followed by garbage', () => {
    const bytes = new Uint8Array(600).fill(0xab);
    bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
    expectProblem(throughDisk('garbage.dcm', bytes), 'drop/garbage.dcm', /^corrupt or truncated DICOM header \(/);
  });

  it.each<[string, DicomWriteOptions]>([
    ['explicit LE', {}],
    ['implicit LE', { transferSyntax: 'implicitLE' }],
    ['big endian', { transferSyntax: 'explicitBE' }],
    ['raw dataset', { preamble: false }],
  ])('says "truncated" for a %s file cut in the middle of its pixel data', (_name, options) => {
    const whole = writeDicom(ctSpec(), options);
    const pixelStart = whole.length - 64 * 64 * 2;
    const cut = throughDisk('cut.dcm', whole.subarray(0, pixelStart + 3000));
    expectProblem(cut, 'P/PATIENT_DICOM/image_3', 'truncated: pixel data has 3000 bytes, expected 8192');
  });

  it('says the header is truncated when the file stops before the pixel data starts', () => {
    const whole = writeDicom(ctSpec());
    const cut = throughDisk('cut-header.dcm', whole.subarray(0, pixelDataHeaderOffset(whole) - 7));
    expectProblem(cut, 'drop/cut-header.dcm', /^corrupt or truncated DICOM header/);
  });

  it('says "no pixel data" for an image without (7FE0,0010)', () => {
    const whole = writeDicom(ctSpec());
    const headerOnly = throughDisk('no-pixels.dcm', whole.subarray(0, pixelDataHeaderOffset(whole)));
    expectProblem(headerOnly, 'drop/no-pixels.dcm', 'no pixel data');
  });

  it.each([
    ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1) (1.2.840.10008.1.2.4.50)'],
    ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Image Compression (Lossless Only) (1.2.840.10008.1.2.4.201)'],
  ])('says compressed %s (no decoder) is not supported, and what is', (uid, described) => {
    const frame = Uint8Array.from({ length: 301 }, (_, i) => (i * 7) & 0xff);
    const bytes = throughDisk('compressed.dcm', writeDicom(ctSpec(), { encapsulated: { transferSyntaxUid: uid, frames: [frame] } }));
    expectProblem(
      bytes,
      'drop/compressed.dcm',
      `compressed transfer syntax ${described} is not supported (LiverLab decodes JPEG lossless, JPEG-LS, JPEG 2000 and RLE)`,
    );
  });

  it.each([
    ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only) (1.2.840.10008.1.2.4.90)'],
    [
      '1.2.840.10008.1.2.4.70',
      'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1]) (1.2.840.10008.1.2.4.70)',
    ],
    ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless Image Compression (1.2.840.10008.1.2.4.80)'],
    ['1.2.840.10008.1.2.5', 'RLE Lossless (1.2.840.10008.1.2.5)'],
  ])('a decodable syntax %s over garbage fragments: header fine, pixels refused naming the syntax', async (uid, described) => {
    const frame = Uint8Array.from({ length: 301 }, (_, i) => (i * 7) & 0xff);
    const bytes = throughDisk('garbage.dcm', writeDicom(ctSpec(), { encapsulated: { transferSyntaxUid: uid, frames: [frame] } }));
    expect(readHeader(bytes, 'drop/garbage.dcm').ok).toBe(true);
    const slice = await readSliceAsync(bytes, 'drop/garbage.dcm');
    expect(slice.ok).toBe(false);
    if (slice.ok) return;
    expect(slice.problem.file).toBe('drop/garbage.dcm');
    expect(slice.problem.message.startsWith(`cannot decode ${described} pixel data: `)).toBe(true);
  });

  it('refuses an RLE TransferSyntaxUID patched over native pixel data', () => {
    const bytes = writeDicom(ctSpec());
    bytes.set(new TextEncoder().encode('1.2.840.10008.1.2.5'), indexOfAscii(bytes, '1.2.840.10008.1.2.1'));
    expectProblem(
      throughDisk('rle.dcm', bytes),
      'drop/rle.dcm',
      'transfer syntax RLE Lossless (1.2.840.10008.1.2.5) needs encapsulated pixel data, but it has a defined length',
    );
  });

  it('names an unknown transfer syntax', () => {
    const bytes = writeDicom(ctSpec());
    bytes.set(new TextEncoder().encode('1.2.840.10008.1.2.7'), indexOfAscii(bytes, '1.2.840.10008.1.2.1'));
    expectProblem(bytes, 'drop/odd.dcm', 'unknown transfer syntax (1.2.840.10008.1.2.7) is not supported');
  });

  it('says "RGB / SamplesPerPixel 3 is not supported" for a colour image', () => {
    const bytes = writeDicom(ctSpec());
    bytes.set(new TextEncoder().encode('RGB         '), indexOfAscii(bytes, 'MONOCHROME2 '));
    // SamplesPerPixel (0028,0002) US: tag 28 00 02 00, VR "US", length 02 00, value
    const samples = indexOfAscii(bytes, '\x28\x00\x02\x00US') + 8;
    bytes[samples] = 3;
    expectProblem(throughDisk('rgb.dcm', bytes), 'drop/rgb.dcm', 'RGB / SamplesPerPixel 3 is not supported');
  });

  it('says BitsAllocated 32 is not supported', () => {
    const bytes = writeDicom(ctSpec());
    const bitsAllocated = indexOfAscii(bytes, '\x28\x00\x00\x01US') + 8;
    bytes[bitsAllocated] = 32;
    expectProblem(bytes, 'drop/float.dcm', 'BitsAllocated 32 is not supported (only 8 and 16)');
  });

  it('never throws, whatever bytes of a valid file are damaged or cut', () => {
    let state = 99;
    const next = (n: number) => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) % n);
    const original = writeDicom(ctSpec({ rows: 8, columns: 8, pixels: new Int16Array(64) }), { transferSyntax: 'implicitLE' });
    for (let trial = 0; trial < 400; trial++) {
      const damaged = original.slice(0, trial % 3 === 0 ? next(original.length) : original.length);
      for (let hits = 0; hits < 4 && damaged.length > 0; hits++) damaged[next(damaged.length)] = next(256);
      for (const result of [readHeader(damaged, 'fuzz'), readSlice(damaged, 'fuzz')]) {
        if (!result.ok) {
          expect(result.problem.file).toBe('fuzz');
          expect(result.problem.message.length).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('pixels are a transferable copy', () => {
  it('does not alias the input bytes, even when they are a view into a larger buffer', () => {
    const file = writeDicom(ctSpec());
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    const view = host.subarray(3); // odd byteOffset: no typed view of the original could be made
    const slice = expectSlice(readSlice(view, 'view'));
    expect(slice.pixels.byteOffset).toBe(0);
    expect(slice.pixels.buffer.byteLength).toBe(64 * 64 * 2);
    expect(slice.pixels.buffer).not.toBe(host.buffer);
    expect(Array.from(slice.pixels.subarray(0, 3))).toEqual([-1024, -1023, -1022]);
    host.fill(0);
    expect(slice.pixels[0]).toBe(-1024);
  });
});
