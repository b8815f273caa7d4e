// Bad inputs on purpose, for the fault suite (src/discovery/faults.test.ts and e2e/faults.spec.ts): a small
// synthetic patient of any size, slice count, bit depth or transfer syntax written with the real DICOM
// writer, and byte-level damage done the way real exports get damaged (a tag renamed away, a VR
// mislabelled, RGB pixels, a zip entry with a flipped byte or a lying size). Test support only: the
// app never imports it. Pure: no DOM, no Node APIs.
import { zipSync, type Zippable } from 'fflate';
import { makeUid, writeDicom, type DicomImageSpec, type WrittenTransferSyntax } from '../dicom/write';

export interface DropFile {
  path: string;
  bytes: Uint8Array;
}

export interface SyntheticPatientOptions {
  name: string;
  rows?: number;
  columns?: number;
  slices?: number;
  /** Slices (inclusive, 0-based) where the organ is drawn; null: an all-zero mask. Default: the middle half. */
  organRange?: [number, number] | null;
  /** Organ folder under MASKS_DICOM (default `liver`). */
  organ?: string;
  /** Value of organ pixels in the mask (default 255, the 3D-IRCADb convention); a function for mixed values. */
  maskValue?: number | ((slice: number, pixel: number) => number);
  /** 16 (default: int16 stored = HU + 1024) or 8 (uint8 0–255, like a screenshot export). */
  ctBits?: 8 | 16;
  transferSyntax?: WrittenTransferSyntax;
  /** InstanceNumber of slice k (default k); file names stay `image_<k>`. */
  instanceNumber?: (slice: number) => number;
  /** Series UID seed: two patients with the same seed share a SeriesInstanceUID. */
  seriesSeed?: string;
}

/** `<name>/PATIENT_DICOM/image_k` and `<name>/MASKS_DICOM/<organ>/image_k`, one slice at a time (nothing held). */
export function* syntheticPatient(opts: SyntheticPatientOptions): Generator<DropFile> {
  const { name, rows = 32, columns = 32, slices = 24, organ = 'liver', ctBits = 16 } = opts;
  const organRange = opts.organRange === undefined ? ([Math.floor(slices / 4), Math.floor((3 * slices) / 4)] as [number, number]) : opts.organRange;
  const maskValue = opts.maskValue ?? 255;
  const seed = opts.seriesSeed ?? name;
  const common = {
    // DICOM PN here is ASCII; a folder name may be anything (unicode, spaces).
    patientName: name.replace(/[^\x20-\x7e]/g, '?'),
    modality: 'CT',
    rows,
    columns,
    pixelSpacing: [0.75, 0.75] as [number, number],
    sliceThickness: 1.6,
    imageOrientationPatient: [1, 0, 0, 0, 1, 0] as DicomImageSpec['imageOrientationPatient'],
    studyInstanceUid: makeUid('faults', seed, 'study'),
  };
  const ct = ctBits === 16 ? new Int16Array(rows * columns) : new Uint8Array(rows * columns);
  const mask = new Uint8Array(rows * columns);
  for (let k = 0; k < slices; k++) {
    const inOrgan = organRange !== null && k >= organRange[0] && k <= organRange[1];
    for (let y = 0, i = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++, i++) {
        // A body ellipse (soft tissue), an organ ellipse in its right half on the organ's slices, air around.
        const bx = (x - columns / 2) / (columns * 0.45);
        const by = (y - rows / 2) / (rows * 0.4);
        const ox = (x - columns * 0.62) / (columns * 0.18);
        const oy = (y - rows * 0.5) / (rows * 0.2);
        const organHere = inOrgan && ox * ox + oy * oy <= 1;
        const hu = bx * bx + by * by > 1 ? -1000 : organHere ? 60 + ((x * 7 + y * 3 + k) % 40) : 20 + ((x + y * 5) % 30);
        ct[i] = ctBits === 16 ? hu + 1024 : Math.max(0, Math.min(255, Math.round((hu + 160) / 2)));
        mask[i] = organHere ? (typeof maskValue === 'function' ? maskValue(k, i) : maskValue) : 0;
      }
    }
    const position: [number, number, number] = [0, 0, 1.6 * k];
    const instanceNumber = opts.instanceNumber ? opts.instanceNumber(k) : k;
    const options = { transferSyntax: opts.transferSyntax };
    yield {
      path: `${name}/PATIENT_DICOM/image_${k}`,
      bytes: writeDicom(
        {
          ...common,
          instanceNumber,
          imagePositionPatient: position,
          seriesInstanceUid: makeUid('faults', seed, 'ct'),
          sopInstanceUid: makeUid('faults', seed, 'ct', k),
          rescaleSlope: 1,
          rescaleIntercept: ctBits === 16 ? -1024 : 0,
          bitsAllocated: ctBits,
          pixelRepresentation: ctBits === 16 ? 1 : 0,
          pixels: ct,
        },
        options,
      ),
    };
    yield {
      path: `${name}/MASKS_DICOM/${organ}/image_${k}`,
      bytes: writeDicom(
        {
          ...common,
          instanceNumber,
          imagePositionPatient: position,
          seriesInstanceUid: makeUid('faults', seed, organ),
          sopInstanceUid: makeUid('faults', seed, organ, k),
          rescaleSlope: 1,
          rescaleIntercept: 0,
          bitsAllocated: 8,
          pixelRepresentation: 0,
          pixels: mask,
        },
        options,
      ),
    };
  }
}

/** The whole synthetic patient in memory (small patients only). */
export function syntheticFiles(opts: SyntheticPatientOptions): DropFile[] {
  return [...syntheticPatient(opts)];
}

/** One element of an explicit VR little-endian file, as found by walking it from the meta header. */
export interface ElementAt {
  /** Offset of the tag. */
  offset: number;
  vr: string;
  valueOffset: number;
  length: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

/** Walks an explicit VR LE Part 10 file (as written by writeDicom) to the element `group,element`. */
export function findElement(bytes: Uint8Array, group: number, element: number): ElementAt {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 132;
  while (at + 8 <= bytes.length) {
    const g = view.getUint16(at, true);
    const e = view.getUint16(at + 2, true);
    const vr = String.fromCharCode(bytes[at + 4], bytes[at + 5]);
    const long = LONG_VRS.has(vr);
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const valueOffset = at + (long ? 12 : 8);
    if (g === group && e === element) return { offset: at, vr, valueOffset, length };
    at = valueOffset + length;
  }
  throw new Error(`no element (${hex4(group)},${hex4(element)})`);
}

/** A copy with the element's tag changed to `(group, newElement)`: to readers the original tag is gone. */
export function renameElement(bytes: Uint8Array, group: number, element: number, newElement: number): Uint8Array {
  const copy = bytes.slice();
  const found = findElement(copy, group, element);
  new DataView(copy.buffer).setUint16(found.offset + 2, newElement, true);
  return copy;
}

/** Without InstanceNumber (0020,0013), renamed to the unused (0020,0019). */
export const withoutInstanceNumber = (bytes: Uint8Array): Uint8Array => renameElement(bytes, 0x0020, 0x0013, 0x0019);
/** Without ImagePositionPatient (0020,0032), renamed to the retired (0020,0030). */
export const withoutPosition = (bytes: Uint8Array): Uint8Array => renameElement(bytes, 0x0020, 0x0032, 0x0030);

/** A copy with the element's VR label replaced (the value and its length field untouched). */
export function relabelVr(bytes: Uint8Array, group: number, element: number, vr: string): Uint8Array {
  const copy = bytes.slice();
  const found = findElement(copy, group, element);
  copy[found.offset + 4] = vr.charCodeAt(0);
  copy[found.offset + 5] = vr.charCodeAt(1);
  return copy;
}

/** A copy with a 2-byte US value replaced. */
export function setUs(bytes: Uint8Array, group: number, element: number, value: number): Uint8Array {
  const copy = bytes.slice();
  const found = findElement(copy, group, element);
  new DataView(copy.buffer).setUint16(found.valueOffset, value, true);
  return copy;
}

/** A copy with a text value replaced by `text`, space-padded to the same length (it must fit). */
export function setText(bytes: Uint8Array, group: number, element: number, text: string): Uint8Array {
  const copy = bytes.slice();
  const found = findElement(copy, group, element);
  if (text.length > found.length) throw new Error(`"${text}" does not fit in ${found.length} bytes`);
  for (let i = 0; i < found.length; i++) copy[found.valueOffset + i] = i < text.length ? text.charCodeAt(i) : 0x20;
  return copy;
}

/** An 8-bit RGB image (SamplesPerPixel 3, interleaved), e.g. a secondary capture of a CT with coloured overlays. */
export function rgbImage(name: string, instanceNumber: number, rows: number, columns: number): Uint8Array {
  const pixels = new Uint8Array(rows * columns * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) & 0xff;
  // Written as greyscale rows × (3·columns), then told the truth: columns, 3 samples, RGB.
  const grey = writeDicom({
    patientName: name.replace(/[^\x20-\x7e]/g, '?'),
    modality: 'OT',
    instanceNumber,
    rows,
    columns: columns * 3,
    pixelSpacing: [1, 1],
    sliceThickness: 1,
    imagePositionPatient: [0, 0, instanceNumber],
    imageOrientationPatient: [1, 0, 0, 0, 1, 0],
    seriesInstanceUid: makeUid('faults', name, 'rgb'),
    sopInstanceUid: makeUid('faults', name, 'rgb', instanceNumber),
    studyInstanceUid: makeUid('faults', name, 'study'),
    rescaleSlope: 1,
    rescaleIntercept: 0,
    bitsAllocated: 8,
    pixelRepresentation: 0,
    pixels,
  });
  const narrowed = setUs(grey, 0x0028, 0x0011, columns);
  const rgb = setUs(narrowed, 0x0028, 0x0002, 3);
  return setText(rgb, 0x0028, 0x0004, 'RGB');
}

function metaEndOf(file: Uint8Array): number {
  const groupLength = findElement(file, 0x0002, 0x0000);
  return groupLength.valueOffset + 4 + new DataView(file.buffer, file.byteOffset).getUint32(groupLength.valueOffset, true);
}

/** The dataset of a Part 10 file, after its meta header. */
export function bodyOf(file: Uint8Array): Uint8Array {
  return file.subarray(metaEndOf(file));
}

/** The file's meta header (preamble, `DICM`, group 0002) followed by another body, e.g. implicit VR under an explicit UID. */
export function withBodyOf(metaFrom: Uint8Array, body: Uint8Array): Uint8Array {
  const metaEnd = metaEndOf(metaFrom);
  const out = new Uint8Array(metaEnd + body.length);
  out.set(metaFrom.subarray(0, metaEnd));
  out.set(body, metaEnd);
  return out;
}

/** Files under `prefix/` re-rooted (prefix removed), zipped; `level` 0 stores them. */
export function zipOf(files: DropFile[], prefix = '', level: 0 | 6 = 6): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) if (file.path.startsWith(prefix)) entries[file.path.slice(prefix.length)] = [file.bytes, { level }];
  return zipSync(entries);
}

/** Local header and central directory record of one entry of a zip written by fflate. */
export function zipEntry(zip: Uint8Array, entryName: string): { local: number; data: number; central: number } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const decoder = new TextDecoder();
  let local = -1;
  let data = -1;
  for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
    const nameLength = view.getUint16(at + 26, true);
    const start = at + 30 + nameLength + view.getUint16(at + 28, true);
    if (decoder.decode(zip.subarray(at + 30, at + 30 + nameLength)) === entryName) [local, data] = [at, start];
    at = start + view.getUint32(at + 18, true);
  }
  let central = -1;
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    if (decoder.decode(zip.subarray(at + 46, at + 46 + nameLength)) === entryName) central = at;
  }
  if (local < 0 || central < 0) throw new Error(`no entry ${entryName}`);
  return { local, data, central };
}

/** A copy of the zip with one byte of an entry's data flipped (stored entries still "inflate" fine). */
export function flipEntryByte(zip: Uint8Array, entryName: string, at = 200): Uint8Array {
  const copy = zip.slice();
  copy[zipEntry(copy, entryName).data + at] ^= 0x5a;
  return copy;
}

/** A copy of the zip whose headers claim `size` bytes for the entry (a bomb that lies about its size). */
export function lieAboutSize(zip: Uint8Array, entryName: string, size: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  const { local, central } = zipEntry(copy, entryName);
  view.setUint32(local + 22, size, true);
  view.setUint32(central + 24, size, true);
  return copy;
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

/** An entry whose data is already deflated (e.g. a bomb built from repeated blocks), for `zipOfDeflated`. */
export interface DeflatedEntry {
  name: string;
  /** Raw DEFLATE data. */
  compressed: Uint8Array;
  /** Inflated size and CRC-32, as the headers will state them. */
  size: number;
  crc: number;
}

/** A zip (method 8, no data descriptors) of entries deflated elsewhere. */
export function zipOfDeflated(entries: DeflatedEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 8, true);
    lv.setUint32(14, entry.crc, true);
    lv.setUint32(18, entry.compressed.length, true);
    lv.setUint32(22, entry.size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(16, entry.crc, true);
    cv.setUint32(20, entry.compressed.length, true);
    cv.setUint32(24, entry.size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, entry.compressed);
    centrals.push(central);
    offset += local.length + entry.compressed.length;
  }
  const centralSize = centrals.reduce((sum, c) => sum + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, end];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
