// The writer's story: a slice written to disk in each transfer syntax comes back from the reader with
// every header field and every pixel unchanged, and the bytes follow Part 10 (meta group length, even
// values, CT Image Storage), checked independently with dicom-parser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { readHeader, readSlice } from './parse';
import type { SliceHeader } from './types';
import { CT_IMAGE_STORAGE, formatDs, makeUid, writeDicom, type DicomImageSpec, type DicomWriteOptions } from './write';

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverlab-write-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

function writeToDisk(name: string, bytes: Uint8Array): string {
  const file = path.join(tempDir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** A 5×7 slice (odd sizes on purpose: 8-bit pixel data needs padding) with values covering the range. */
function sliceSpec(pixels: DicomImageSpec['pixels'], overrides: Partial<DicomImageSpec> = {}): DicomImageSpec {
  const bitsAllocated = pixels.BYTES_PER_ELEMENT === 2 ? 16 : 8;
  const signed = pixels instanceof Int16Array || pixels instanceof Int8Array;
  return {
    patientName: 'liver_17^patient',
    modality: 'CT',
    instanceNumber: 42,
    rows: 5,
    columns: 7,
    pixelSpacing: [0.742999970912933, 0.75],
    sliceThickness: 1.6,
    imagePositionPatient: [-190.5, 12.25, 67.2],
    imageOrientationPatient: [1, 0, 0, 0, 1, 0],
    seriesInstanceUid: makeUid('series', 1),
    sopInstanceUid: makeUid('sop', 1, 42),
    studyInstanceUid: makeUid('study', 1),
    rescaleSlope: 1,
    rescaleIntercept: signed ? 0 : -1024,
    bitsAllocated,
    pixelRepresentation: signed ? 1 : 0,
    windowCenter: 40,
    windowWidth: 400,
    pixels,
    ...overrides,
  };
}

function ramp<T extends DicomImageSpec['pixels']>(array: T, from: number, to: number): T {
  for (let i = 0; i < array.length; i++) array[i] = Math.round(from + ((to - from) * i) / (array.length - 1));
  return array;
}

/** What the reader must return: DS values are what fits in 16 characters (0.742999970912933 → 0.74299997091293). */
function expectedHeader(spec: DicomImageSpec, transferSyntaxUid: string): SliceHeader {
  const ds = (value: number) => Number(formatDs(value));
  return {
    instanceNumber: spec.instanceNumber,
    rows: spec.rows,
    columns: spec.columns,
    pixelSpacing: [ds(spec.pixelSpacing[0]), ds(spec.pixelSpacing[1])],
    sliceThickness: ds(spec.sliceThickness),
    imagePositionPatient: [...spec.imagePositionPatient],
    imageOrientationPatient: [...spec.imageOrientationPatient],
    seriesInstanceUid: spec.seriesInstanceUid,
    sopInstanceUid: spec.sopInstanceUid,
    studyInstanceUid: spec.studyInstanceUid,
    modality: spec.modality,
    patientName: spec.patientName,
    transferSyntaxUid,
    bitsAllocated: spec.bitsAllocated,
    bitsStored: spec.bitsStored ?? spec.bitsAllocated,
    pixelRepresentation: spec.pixelRepresentation,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: spec.rescaleSlope,
    rescaleIntercept: spec.rescaleIntercept,
    pixelPaddingValue: spec.pixelPaddingValue ?? null,
    windowCenter: spec.windowCenter ?? null,
    windowWidth: spec.windowWidth ?? null,
  };
}

interface RoundTrip {
  story: string;
  spec: DicomImageSpec;
  options: DicomWriteOptions;
  transferSyntaxUid: string;
  pixelType: string;
}

const roundTrips: RoundTrip[] = [
  {
    story: 'explicit VR LE, 16-bit signed CT with padding value',
    spec: sliceSpec(ramp(new Int16Array(35), -1024, 3071), { pixelPaddingValue: -2000 }),
    options: {},
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    pixelType: 'Int16Array',
  },
  {
    story: 'explicit VR LE, 16-bit unsigned with intercept −1024',
    spec: sliceSpec(ramp(new Uint16Array(35), 0, 65535), { pixelPaddingValue: 65535 }),
    options: { transferSyntax: 'explicitLE' },
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    pixelType: 'Uint16Array',
  },
  {
    story: 'explicit VR LE, 8-bit unsigned mask (odd pixel count)',
    spec: sliceSpec(ramp(new Uint8Array(35), 0, 255), { windowCenter: undefined, windowWidth: undefined }),
    options: {},
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    pixelType: 'Uint8Array',
  },
  {
    story: 'explicit VR LE, 8-bit signed',
    spec: sliceSpec(ramp(new Int8Array(35), -128, 127)),
    options: {},
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    pixelType: 'Int8Array',
  },
  {
    story: 'implicit VR LE, 16-bit signed with a negative padding value',
    spec: sliceSpec(ramp(new Int16Array(35), -32768, 32767), { pixelPaddingValue: -1024, rescaleSlope: 0.5 }),
    options: { transferSyntax: 'implicitLE' },
    transferSyntaxUid: '1.2.840.10008.1.2',
    pixelType: 'Int16Array',
  },
  {
    story: 'no preamble: raw implicit VR LE dataset like old files',
    spec: sliceSpec(ramp(new Int16Array(35), -1000, 1000)),
    options: { preamble: false },
    transferSyntaxUid: '1.2.840.10008.1.2',
    pixelType: 'Int16Array',
  },
  {
    story: 'no preamble: raw explicit VR LE dataset',
    spec: sliceSpec(ramp(new Uint8Array(35), 0, 255)),
    options: { preamble: false, transferSyntax: 'explicitLE' },
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    pixelType: 'Uint8Array',
  },
  {
    story: 'explicit VR big endian, 16-bit signed (pixels byte-swapped)',
    spec: sliceSpec(ramp(new Int16Array(35), -1024, 3071), { pixelPaddingValue: -2000 }),
    options: { transferSyntax: 'explicitBE' },
    transferSyntaxUid: '1.2.840.10008.1.2.2',
    pixelType: 'Int16Array',
  },
  {
    story: 'explicit VR big endian, 16-bit unsigned',
    spec: sliceSpec(ramp(new Uint16Array(35), 0, 65535)),
    options: { transferSyntax: 'explicitBE' },
    transferSyntaxUid: '1.2.840.10008.1.2.2',
    pixelType: 'Uint16Array',
  },
  {
    story: 'explicit VR big endian, 8-bit mask',
    spec: sliceSpec(ramp(new Uint8Array(35), 0, 255)),
    options: { transferSyntax: 'explicitBE' },
    transferSyntaxUid: '1.2.840.10008.1.2.2',
    pixelType: 'Uint8Array',
  },
  {
    story: 'deflated explicit VR LE',
    spec: sliceSpec(ramp(new Int16Array(35), -1024, 1024)),
    options: { transferSyntax: 'deflatedExplicitLE' },
    transferSyntaxUid: '1.2.840.10008.1.2.1.99',
    pixelType: 'Int16Array',
  },
];

describe('writeDicom → disk → readSlice', () => {
  it.each(roundTrips)('$story', ({ story, spec, options, transferSyntaxUid, pixelType }) => {
    const file = writeToDisk(story.replace(/\W+/g, '_'), writeDicom(spec, options));
    const bytes = fs.readFileSync(file);
    const expected = expectedHeader(spec, transferSyntaxUid);

    const header = readHeader(bytes, 'slice');
    expect(header).toEqual({ ok: true, value: expected });

    const slice = readSlice(bytes, 'slice');
    if (!slice.ok) throw new Error(slice.problem.message);
    const { pixels, ...fields } = slice.value;
    expect(fields).toEqual(expected);
    expect(pixels.constructor.name).toBe(pixelType);
    expect(Array.from(pixels)).toEqual(Array.from(spec.pixels));
    expect(pixels.byteOffset).toBe(0);
    expect(pixels.buffer.byteLength).toBe(pixels.byteLength);
  });

  it('keeps only BitsStored bits: 12-bit unsigned drops overlay bits, 12-bit signed is sign-extended', () => {
    const unsigned = new Uint16Array(35).fill(0xf005);
    const readUnsigned = readSlice(writeDicom(sliceSpec(unsigned, { bitsStored: 12 })), 'u12');
    if (!readUnsigned.ok) throw new Error(readUnsigned.problem.message);
    expect(readUnsigned.value.bitsStored).toBe(12);
    expect(new Set(readUnsigned.value.pixels)).toEqual(new Set([0x005]));

    const signed = new Int16Array(35).fill(0x0fff); // 12-bit two's complement −1 without sign extension
    const readSigned = readSlice(writeDicom(sliceSpec(signed, { bitsStored: 12 })), 's12');
    if (!readSigned.ok) throw new Error(readSigned.problem.message);
    expect(new Set(readSigned.value.pixels)).toEqual(new Set([-1]));
  });
});

describe('Part 10 structure (checked with dicom-parser directly)', () => {
  const spec = sliceSpec(ramp(new Uint8Array(35), 0, 255), { patientName: 'liver^7' });
  const bytes = writeDicom(spec);
  const dataSet = dicomParser.parseDicom(bytes);

  it('has a zero preamble, DICM and a group length covering the whole meta header', () => {
    expect(Array.from(bytes.subarray(0, 128)).every((b) => b === 0)).toBe(true);
    expect(String.fromCharCode(...bytes.subarray(128, 132))).toBe('DICM');
    const groupLength = dataSet.uint32('x00020000');
    const firstDataElement = dataSet.elements.x00080008;
    // group length element: tag(4) + VR(2) + length(2) + value(4) = 12 bytes, starting at 132
    expect(groupLength).toBe(firstDataElement.dataOffset - 8 - (132 + 12));
    expect(dataSet.string('x00020002')).toBe(CT_IMAGE_STORAGE);
    expect(dataSet.string('x00080016')).toBe(CT_IMAGE_STORAGE);
    expect(dataSet.string('x00020003')).toBe(spec.sopInstanceUid);
    expect(dataSet.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    expect(Array.from(bytes.subarray(dataSet.elements.x00020001.dataOffset, dataSet.elements.x00020001.dataOffset + 2))).toEqual([0, 1]);
  });

  it('pads every value to even length: UI with NUL, text with space, OB pixel data with 0', () => {
    for (const element of Object.values(dataSet.elements)) expect(element.length % 2, element.tag).toBe(0);
    const uid = dataSet.elements.x00020010; // "1.2.840.10008.1.2.1" has 19 characters
    expect(uid.length).toBe(20);
    expect(bytes[uid.dataOffset + 19]).toBe(0);
    const name = dataSet.elements.x00100010; // "liver^7" has 7 characters
    expect(name.length).toBe(8);
    expect(bytes[name.dataOffset + 7]).toBe(0x20);
    expect(dataSet.string('x00100010')).toBe('liver^7');
    const pixels = dataSet.elements.x7fe00010;
    expect(pixels.vr).toBe('OB');
    expect(pixels.length).toBe(36);
    expect(bytes[pixels.dataOffset + 35]).toBe(0);
  });

  it('uses OW for 16-bit pixel data and SS for a signed padding value', () => {
    const ct = dicomParser.parseDicom(writeDicom(sliceSpec(new Int16Array(35), { pixelPaddingValue: -2000 })));
    expect(ct.elements.x7fe00010.vr).toBe('OW');
    expect(ct.elements.x00280120.vr).toBe('SS');
    expect(ct.int16('x00280120')).toBe(-2000);
  });

  it('writes a raw dataset (no preamble) that starts with group 0008', () => {
    const raw = writeDicom(spec, { preamble: false });
    expect(raw[0] | (raw[1] << 8)).toBe(0x0008);
    expect(String.fromCharCode(...raw.subarray(128, 132))).not.toBe('DICM');
  });

  it('refuses inconsistent specs', () => {
    expect(() => writeDicom(sliceSpec(new Int16Array(34)))).toThrow(/34 pixels for 5×7/);
    expect(() => writeDicom({ ...sliceSpec(new Int16Array(35)), bitsAllocated: 8 })).toThrow(/8-bit/);
    expect(() => writeDicom({ ...sliceSpec(new Int16Array(35)), pixelRepresentation: 0 })).toThrow(/PixelRepresentation/);
    expect(() => writeDicom(sliceSpec(new Int16Array(35)), { preamble: false, transferSyntax: 'explicitBE' })).toThrow(
      /little endian/,
    );
  });
});

describe('makeUid and decimal strings', () => {
  it('makes the same valid 2.25 UID from the same seed and different ones otherwise', () => {
    const uid = makeUid('Phantom.1', 'series', 7);
    expect(uid).toBe(makeUid('Phantom.1', 'series', 7));
    expect(uid).not.toBe(makeUid('Phantom.1', 'series', 8));
    expect(makeUid('a', 'bc')).not.toBe(makeUid('ab', 'c'));
    expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    const uids = new Set(Array.from({ length: 1000 }, (_, i) => makeUid('slice', i)));
    expect(uids.size).toBe(1000);
  });

  it('fits DS values in 16 characters', () => {
    expect(formatDs(1.6)).toBe('1.6');
    expect(formatDs(-1024)).toBe('-1024');
    expect(formatDs(0.742999970912933)).toBe('0.74299997091293');
    expect(formatDs(1.6000000238418579).length).toBeLessThanOrEqual(16);
    expect(Number(formatDs(1.6000000238418579))).toBeCloseTo(1.6000000238418579, 12);
    expect(formatDs(1 / 3).length).toBeLessThanOrEqual(16);
  });
});
