// A small DICOM Part 10 writer for single-frame grayscale CT images and 8-bit masks.
// Hand-written on purpose: dicom-parser only reads, and no kept JS library writes plain Part 10 from
// typed arrays without a large dependency (dcmjs pulls in a whole data model). It is used by the
// synthetic phantom, by tests and by exports of predicted masks.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI. It must never guess: an
// inconsistent spec (wrong pixel count or type) throws, because that is a programming error.
import { deflateSync } from 'fflate';
import type { PixelArray } from '../common/types';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
} from './transferSyntax';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** Header fields and pixels of one image. Lengths in mm; pixels are stored values, row-major. */
export interface DicomImageSpec {
  patientName: string;
  patientId?: string;
  modality: string;
  /** Value of ImageType (0008,0008), e.g. `ORIGINAL\PRIMARY\AXIAL` (the default) or `DERIVED\SECONDARY`. */
  imageType?: string;
  instanceNumber: number;
  rows: number;
  columns: number;
  /** [row spacing, column spacing]. */
  pixelSpacing: [number, number];
  sliceThickness: number;
  imagePositionPatient: [number, number, number];
  imageOrientationPatient: [number, number, number, number, number, number];
  seriesInstanceUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  bitsAllocated: 8 | 16;
  /** Defaults to bitsAllocated; HighBit is always bitsStored − 1. */
  bitsStored?: number;
  pixelRepresentation: 0 | 1;
  windowCenter?: number;
  windowWidth?: number;
  pixelPaddingValue?: number;
  pixels: PixelArray;
}

export type WrittenTransferSyntax = 'explicitLE' | 'implicitLE' | 'explicitBE' | 'deflatedExplicitLE';

export interface DicomWriteOptions {
  /** Default `explicitLE`, or `implicitLE` when `preamble` is false. */
  transferSyntax?: WrittenTransferSyntax;
  /** Default true: 128-byte preamble, `DICM`, group 0002 meta header. False: a raw dataset, like old files. */
  preamble?: boolean;
  /**
   * For fixtures of files LiverLab cannot decode: write the given frames as encapsulated pixel data
   * (undefined length, empty offset table, one fragment per frame) under a compressed transfer syntax
   * UID. The writer does not compress anything; `pixels` is then only used for its geometry.
   */
  encapsulated?: { transferSyntaxUid: string; frames: Uint8Array[] };
}

type Vr = 'UL' | 'OB' | 'OW' | 'UI' | 'SH' | 'CS' | 'PN' | 'LO' | 'DS' | 'IS' | 'US' | 'SS';

interface DataElement {
  tag: number;
  vr: Vr;
  /** Value in little-endian byte order, unpadded; or `undefinedLength` for encapsulated pixel data. */
  value: Uint8Array;
  undefinedLength?: boolean;
}

interface Encoding {
  explicitVr: boolean;
  littleEndian: boolean;
}

const UID_SYNTAX: Record<WrittenTransferSyntax, string> = {
  explicitLE: EXPLICIT_VR_LITTLE_ENDIAN,
  implicitLE: IMPLICIT_VR_LITTLE_ENDIAN,
  explicitBE: EXPLICIT_VR_BIG_ENDIAN,
  deflatedExplicitLE: DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
};

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LONG_LENGTH_VRS: ReadonlySet<Vr> = new Set<Vr>(['OB', 'OW']);
const EXPLICIT_LE: Encoding = { explicitVr: true, littleEndian: true };

/** Encodes one image as a DICOM file (CT Image Storage). Throws on an inconsistent spec. */
export function writeDicom(spec: DicomImageSpec, options: DicomWriteOptions = {}): Uint8Array<ArrayBuffer> {
  const preamble = options.preamble ?? true;
  const syntax = options.transferSyntax ?? (preamble ? 'explicitLE' : 'implicitLE');
  checkSpec(spec);
  if (!preamble && (syntax === 'explicitBE' || syntax === 'deflatedExplicitLE' || options.encapsulated)) {
    throw new Error('writeDicom: a raw dataset without meta header must be implicit or explicit little endian');
  }
  const transferSyntaxUid = options.encapsulated?.transferSyntaxUid ?? UID_SYNTAX[syntax];
  const encoding: Encoding = options.encapsulated
    ? EXPLICIT_LE
    : { explicitVr: syntax !== 'implicitLE', littleEndian: syntax !== 'explicitBE' };

  const pixelData = options.encapsulated
    ? encapsulatedPixelData(options.encapsulated.frames)
    : nativePixelData(spec);
  const dataset = encodeElements([...imageElements(spec), pixelData], encoding);
  if (!preamble) return dataset;
  const body: Uint8Array = syntax === 'deflatedExplicitLE' && !options.encapsulated ? deflateSync(dataset, { level: 6 }) : dataset;

  const meta = encodeElements(metaElements(spec.sopInstanceUid, transferSyntaxUid), EXPLICIT_LE);
  const out = new Uint8Array(128 + 4 + meta.length + body.length);
  out.set(ascii('DICM'), 128);
  out.set(meta, 132);
  out.set(body, 132 + meta.length);
  return out;
}

/**
 * A deterministic DICOM UID from a seed: `2.25.<decimal>` where the decimal is a 128-bit hash of the
 * parts shaped as a version-8 (custom) UUID, as PS3.5 B.2 allows. Same parts, same UID.
 */
export function makeUid(...parts: (string | number)[]): string {
  const lanes = hash128(parts.map(String).join('\u0001'));
  let value = 0n;
  for (const lane of lanes) value = (value << 32n) | BigInt(lane >>> 0);
  value = (value & ~(0xfn << 76n)) | (0x8n << 76n); // UUID version 8
  value = (value & ~(0x3n << 62n)) | (0x2n << 62n); // RFC 4122 variant
  return `2.25.${value.toString(10)}`;
}

const IMPLEMENTATION_CLASS_UID = makeUid('LiverLab', 'implementation', 1);
const IMPLEMENTATION_VERSION_NAME = 'LIVERLAB_0_1';

function checkSpec(spec: DicomImageSpec): void {
  const { rows, columns, pixels, bitsAllocated, pixelRepresentation } = spec;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1 || rows > 65535 || columns > 65535) {
    throw new Error(`writeDicom: invalid size ${rows}×${columns}`);
  }
  if (pixels.length !== rows * columns) {
    throw new Error(`writeDicom: ${pixels.length} pixels for ${rows}×${columns}`);
  }
  if (pixels.BYTES_PER_ELEMENT * 8 !== bitsAllocated) {
    throw new Error(`writeDicom: ${pixels.constructor.name} does not hold ${bitsAllocated}-bit samples`);
  }
  const signedArray = pixels instanceof Int16Array || pixels instanceof Int8Array;
  if (signedArray !== (pixelRepresentation === 1)) {
    throw new Error(`writeDicom: ${pixels.constructor.name} does not match PixelRepresentation ${pixelRepresentation}`);
  }
  const bitsStored = spec.bitsStored ?? bitsAllocated;
  if (!Number.isInteger(bitsStored) || bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new Error(`writeDicom: BitsStored ${bitsStored} with BitsAllocated ${bitsAllocated}`);
  }
}

function metaElements(sopInstanceUid: string, transferSyntaxUid: string): DataElement[] {
  const rest: DataElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    text(0x00020002, 'UI', CT_IMAGE_STORAGE),
    text(0x00020003, 'UI', sopInstanceUid),
    text(0x00020010, 'UI', transferSyntaxUid),
    text(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID),
    text(0x00020013, 'SH', IMPLEMENTATION_VERSION_NAME),
  ];
  const groupLength = encodeElements(rest, EXPLICIT_LE).length;
  return [uint32(0x00020000, groupLength), ...rest];
}

function imageElements(spec: DicomImageSpec): DataElement[] {
  const bitsStored = spec.bitsStored ?? spec.bitsAllocated;
  const elements: DataElement[] = [
    text(0x00080008, 'CS', spec.imageType ?? 'ORIGINAL\\PRIMARY\\AXIAL'),
    text(0x00080016, 'UI', CT_IMAGE_STORAGE),
    text(0x00080018, 'UI', spec.sopInstanceUid),
    text(0x00080060, 'CS', spec.modality),
    text(0x00100010, 'PN', spec.patientName),
    text(0x00100020, 'LO', spec.patientId ?? spec.patientName),
    text(0x00180050, 'DS', formatDs(spec.sliceThickness)),
    text(0x0020000d, 'UI', spec.studyInstanceUid),
    text(0x0020000e, 'UI', spec.seriesInstanceUid),
    text(0x00200013, 'IS', String(Math.round(spec.instanceNumber))),
    text(0x00200032, 'DS', spec.imagePositionPatient.map(formatDs).join('\\')),
    text(0x00200037, 'DS', spec.imageOrientationPatient.map(formatDs).join('\\')),
    uint16(0x00280002, 1),
    text(0x00280004, 'CS', 'MONOCHROME2'),
    uint16(0x00280010, spec.rows),
    uint16(0x00280011, spec.columns),
    text(0x00280030, 'DS', spec.pixelSpacing.map(formatDs).join('\\')),
    uint16(0x00280100, spec.bitsAllocated),
    uint16(0x00280101, bitsStored),
    uint16(0x00280102, bitsStored - 1),
    uint16(0x00280103, spec.pixelRepresentation),
  ];
  if (spec.pixelPaddingValue !== undefined) {
    elements.push(
      spec.pixelRepresentation === 1
        ? { tag: 0x00280120, vr: 'SS', value: le16(spec.pixelPaddingValue) }
        : uint16(0x00280120, spec.pixelPaddingValue),
    );
  }
  if (spec.windowCenter !== undefined) elements.push(text(0x00281050, 'DS', formatDs(spec.windowCenter)));
  if (spec.windowWidth !== undefined) elements.push(text(0x00281051, 'DS', formatDs(spec.windowWidth)));
  elements.push(text(0x00281052, 'DS', formatDs(spec.rescaleIntercept)));
  elements.push(text(0x00281053, 'DS', formatDs(spec.rescaleSlope)));
  return elements;
}

function nativePixelData(spec: DicomImageSpec): DataElement {
  const { pixels } = spec;
  let value = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  if (!HOST_IS_LITTLE_ENDIAN && spec.bitsAllocated === 16) value = orderBytes('OW', value, false);
  return { tag: 0x7fe00010, vr: spec.bitsAllocated === 16 ? 'OW' : 'OB', value };
}

function encapsulatedPixelData(frames: Uint8Array[]): DataElement {
  const parts: Uint8Array[] = [itemHeader(0xe000, 0)];
  for (const frame of frames) {
    const padded = frame.length % 2 === 0 ? frame : concat([frame, new Uint8Array(1)]);
    parts.push(itemHeader(0xe000, padded.length), padded);
  }
  parts.push(itemHeader(0xe0dd, 0));
  return { tag: 0x7fe00010, vr: 'OB', value: concat(parts), undefinedLength: true };
}

/** An item or delimiter (FFFE,xxxx) header; always little endian (encapsulation is LE only). */
function itemHeader(element: number, length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, element, true);
  view.setUint32(4, length, true);
  return bytes;
}

function encodeElements(elements: DataElement[], encoding: Encoding): Uint8Array<ArrayBuffer> {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  return concat(sorted.map((element) => encodeElement(element, encoding)));
}

function encodeElement({ tag, vr, value, undefinedLength }: DataElement, encoding: Encoding): Uint8Array {
  const { explicitVr, littleEndian } = encoding;
  const body = padValue(vr, undefinedLength ? value : orderBytes(vr, value, littleEndian));
  const longLength = !explicitVr || LONG_LENGTH_VRS.has(vr);
  const headerLength = explicitVr ? (longLength ? 12 : 8) : 8;
  const bytes = new Uint8Array(headerLength + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, tag >>> 16, littleEndian);
  view.setUint16(2, tag & 0xffff, littleEndian);
  const length = undefinedLength ? 0xffffffff : body.length;
  if (!explicitVr) {
    view.setUint32(4, length, littleEndian);
  } else {
    bytes.set(ascii(vr), 4);
    if (longLength) view.setUint32(8, length, littleEndian);
    else view.setUint16(6, length, littleEndian);
  }
  bytes.set(body, headerLength);
  return bytes;
}

/** Values are built little endian; big endian swaps every 16/32-bit word of binary VRs. */
function orderBytes(vr: Vr, value: Uint8Array, littleEndian: boolean): Uint8Array {
  if (littleEndian) return value;
  const wordSize = vr === 'OW' || vr === 'US' || vr === 'SS' ? 2 : vr === 'UL' ? 4 : 1;
  if (wordSize === 1) return value;
  const swapped = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i += wordSize) {
    for (let j = 0; j < wordSize; j++) swapped[i + j] = value[i + wordSize - 1 - j];
  }
  return swapped;
}

/** DICOM values have even length: UI pads with NUL, OB/OW with 0, text with a space. */
function padValue(vr: Vr, value: Uint8Array): Uint8Array {
  if (value.length % 2 === 0) return value;
  const padded = new Uint8Array(value.length + 1);
  padded.set(value);
  padded[value.length] = vr === 'UI' || vr === 'OB' || vr === 'OW' ? 0 : 0x20;
  return padded;
}

function text(tag: number, vr: Vr, value: string): DataElement {
  return { tag, vr, value: ascii(value) };
}

function uint16(tag: number, value: number): DataElement {
  return { tag, vr: 'US', value: le16(value) };
}

function uint32(tag: number, value: number): DataElement {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return { tag, vr: 'UL', value: bytes };
}

function le16(value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value & 0xffff, true);
  return bytes;
}

/** A decimal string of at most 16 characters (DS), as exact as that allows. */
export function formatDs(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`writeDicom: ${value} is not a decimal string`);
  const plain = String(value);
  if (plain.length <= 16) return plain;
  for (let digits = 15; digits > 0; digits--) {
    const shorter = String(Number(value.toPrecision(digits)));
    if (shorter.length <= 16) return shorter;
  }
  return value.toExponential(6);
}

function ascii(value: string): Uint8Array {
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0x7e) throw new Error(`writeDicom: non-ASCII character in "${value}"`);
    bytes[i] = code;
  }
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** cyrb128: four 32-bit lanes of a fast, well-mixed string hash (not cryptographic; for UIDs only). */
function hash128(input: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < input.length; i++) {
    const k = input.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
