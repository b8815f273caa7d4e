// Encapsulated pixel data structure: which fragments make frame 1 (offset table, one fragment per frame,
// several fragments for a single frame), and the messages for broken items. Plus Encapsulated
// Uncompressed (…1.2.1.98) through the reader, whose pixels must equal the native file's exactly.
import { describe, expect, it } from 'vitest';
import { readSlice } from '../parse';
import { makeUid, writeDicom, type DicomImageSpec } from '../write';
import { firstFrame, readFragments } from './fragments';

function item(element: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, element, true);
  view.setUint32(4, value.length, true);
  out.set(value, 8);
  return out;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const table = (...offsets: number[]) => new Uint8Array(new Uint32Array(offsets).buffer);
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const DELIMITER = item(0xe0dd, new Uint8Array(0));

describe('first frame of encapsulated pixel data', () => {
  it('joins every fragment of a single-frame image, in order', () => {
    const data = join(item(0xe000, new Uint8Array(0)), item(0xe000, bytes(4, 1)), item(0xe000, bytes(6, 2)), DELIMITER);
    const items = readFragments(data, 0);
    if (typeof items === 'string') throw new Error(items);
    expect(Array.from(firstFrame(data, items, 1) as Uint8Array)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('follows the Basic Offset Table for a multi-frame image: frame 1 is the fragments before the second offset', () => {
    // Frame 1 = two fragments (4 + 6 bytes, items of 12 + 14 = 26 bytes), frame 2 = one fragment.
    const data = join(item(0xe000, table(0, 26)), item(0xe000, bytes(4, 1)), item(0xe000, bytes(6, 2)), item(0xe000, bytes(2, 3)), DELIMITER);
    const items = readFragments(data, 0);
    if (typeof items === 'string') throw new Error(items);
    expect(items.offsetTable).toEqual([0, 26]);
    expect(Array.from(firstFrame(data, items, 2) as Uint8Array)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });

  it('takes fragment 1 when there is no offset table but one fragment per frame', () => {
    const data = join(item(0xe000, new Uint8Array(0)), item(0xe000, bytes(4, 1)), item(0xe000, bytes(4, 2)));
    const items = readFragments(data, 0); // no sequence delimiter: tolerated at the end of the file
    if (typeof items === 'string') throw new Error(items);
    expect(Array.from(firstFrame(data, items, 2) as Uint8Array)).toEqual([1, 1, 1, 1]);
  });

  it('says when it cannot tell where frame 1 ends', () => {
    const data = join(item(0xe000, new Uint8Array(0)), item(0xe000, bytes(4, 1)), item(0xe000, bytes(4, 2)), item(0xe000, bytes(4, 3)), DELIMITER);
    const items = readFragments(data, 0);
    if (typeof items === 'string') throw new Error(items);
    expect(firstFrame(data, items, 2)).toBe('cannot tell where frame 1 ends: 3 fragments for 2 frames and no Basic Offset Table');
  });

  it.each([
    [join(item(0xe000, new Uint8Array(0)), DELIMITER), 'encapsulated pixel data has no fragments'],
    [join(item(0xe000, new Uint8Array(0)), item(0xe000, bytes(8, 1)).subarray(0, 12)), 'fragment 1 claims 8 bytes but only 4 are left (truncated file?)'],
    [join(item(0xe000, new Uint8Array(0)), bytes(5, 0)), 'fragment 1 is truncated (item header cut off)'],
    [join(item(0xe000, table(0)).subarray(0, 10)), 'corrupt Basic Offset Table (4 bytes, 2 left in the file)'],
    [item(0xe00d, new Uint8Array(0)), 'encapsulated pixel data does not start with a Basic Offset Table item (found tag (FFFE,E00D))'],
  ])('names a broken structure (%#)', (data, message) => {
    expect(readFragments(data, 0)).toBe(message);
  });
});

describe('Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98)', () => {
  it('reads a frame split into three fragments as the same pixels as the native file', () => {
    const pixels = new Int16Array(64 * 48);
    for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 37) % 4096) - 1024;
    const spec: DicomImageSpec = {
      patientName: 'frag^test',
      modality: 'CT',
      instanceNumber: 1,
      rows: 48,
      columns: 64,
      pixelSpacing: [0.7, 0.7],
      sliceThickness: 1,
      imagePositionPatient: [0, 0, 0],
      imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      seriesInstanceUid: makeUid('frag', 'series'),
      sopInstanceUid: makeUid('frag', 'sop', 1),
      studyInstanceUid: makeUid('frag', 'study'),
      rescaleSlope: 1,
      rescaleIntercept: -1024,
      bitsAllocated: 16,
      pixelRepresentation: 1,
      pixels,
    };
    const raw = new Uint8Array(pixels.buffer);
    const fragments = [raw.subarray(0, 1000), raw.subarray(1000, 4000), raw.subarray(4000)];
    const file = writeDicom(spec, { encapsulated: { transferSyntaxUid: '1.2.840.10008.1.2.1.98', frames: fragments } });
    const native = readSlice(writeDicom(spec), 'native');
    const encapsulated = readSlice(file, 'encapsulated');
    if (!native.ok || !encapsulated.ok) throw new Error('unreadable fixture');
    expect(encapsulated.value.pixels).toBeInstanceOf(Int16Array);
    expect(Array.from(encapsulated.value.pixels)).toEqual(Array.from(native.value.pixels));
    expect(Array.from(native.value.pixels)).toEqual(Array.from(pixels));
  });
});
