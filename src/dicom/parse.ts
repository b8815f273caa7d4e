// Reads one DICOM image (a CT slice or a mask slice) into a SliceHeader or a DicomSlice, on top of
// dicom-parser. Handles Part 10 files with or without preamble, raw datasets of old files, implicit
// and explicit VR little endian, deflated and big endian explicit VR, 8/16-bit signed/unsigned.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI. It must never throw: every failure
// is a Problem naming the file, and pixels are always a copy in their own buffer (transferable).
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { inflateSync } from 'fflate';
import type { DicomSlice, SliceHeader } from './types';
import type { PixelArray, Problem, Result } from '../common/types';
import { CodecError, canDecode, decodeFirstFrame, isDecoderLoaded, loadDecoder } from './codecs';
import { readFragments } from './codecs/fragments';
import {
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  describeTransferSyntax,
  transferSyntax,
} from './transferSyntax';

const PIXEL_DATA = 'x7fe00010';

/** Header of one image, with its pixel data checked (present, supported, long enough) but not copied. */
export function readHeader(bytes: Uint8Array, file: string): Result<SliceHeader> {
  return neverThrow(file, () => {
    const image = openImage(bytes, file);
    return image.ok ? { ok: true, value: image.value.header } : image;
  });
}

/**
 * The header from the first bytes of a file of `size` bytes (a zip entry inflated only that far), with
 * the same checks as `readHeader` on the whole file; null when the prefix is not enough to tell (the
 * header runs past it, compressed or deflated data): then the whole file must be read.
 */
export function readHeaderPrefix(prefix: Uint8Array, size: number, file: string): Result<SliceHeader> | null {
  if (prefix.length >= size) return readHeader(prefix, file);
  try {
    const opened = openDataSet(prefix);
    if (typeof opened === 'string') return null;
    const header = readHeaderFields(opened.dataSet, opened.transferSyntaxUid);
    const syntax = transferSyntax(header.transferSyntaxUid);
    if (!syntax || syntax.compressed || syntax.deflated) return null;
    // The parsed bytes may have a preamble put in front of the file's own: count it in the length.
    const located = locatePixels(opened.dataSet, header, size + (opened.dataSet.byteArray.length - prefix.length));
    return typeof located === 'string' ? failure(file, located) : { ok: true, value: header };
  } catch {
    return null;
  }
}

/**
 * Header plus the first frame's stored pixel values (before rescale), row-major, in a fresh buffer.
 * Compressed files decode here too once their codec is loaded (RLE and JPEG lossless always are);
 * use `readSliceAsync` where a JPEG-LS or JPEG 2000 file may be the first of its kind.
 */
export function readSlice(bytes: Uint8Array, file: string): Result<DicomSlice> {
  return neverThrow(file, () => {
    const image = openImage(bytes, file);
    return image.ok ? pixelsOf(image.value, file) : image;
  });
}

export interface ReadSliceOptions {
  /**
   * Uncompressed pixels in host order may be a view into `bytes` rather than a copy: for a caller that
   * owns `bytes` (a freshly inflated zip entry) and uses the pixels at once. Saves a slice-sized
   * allocation and copy per slice (fresh memory costs ~4 ms per 512 KB in some VMs).
   */
  view?: boolean;
}

/** `readSlice`, after loading the WASM decoder the file's transfer syntax needs (once per thread). */
export async function readSliceAsync(bytes: Uint8Array, file: string, opts: ReadSliceOptions = {}): Promise<Result<DicomSlice>> {
  let image: Result<OpenImage>;
  try {
    image = openImage(bytes, file);
  } catch (error) {
    return failure(file, `unreadable DICOM (${reasonOf(error)})`);
  }
  if (!image.ok) return image;
  const uid = image.value.header.transferSyntaxUid;
  if (image.value.encapsulated && !isDecoderLoaded(uid)) {
    try {
      await loadDecoder(uid);
    } catch (error) {
      return failure(file, `could not load the decoder for ${describeTransferSyntax(uid)} (${reasonOf(error)})`);
    }
  }
  const opened = image.value;
  return neverThrow(file, () => pixelsOf(opened, file, opts.view === true));
}

function pixelsOf(image: OpenImage, file: string, view = false): Result<DicomSlice> {
  const { header, dataSet, pixelOffset, encapsulated } = image;
  if (!encapsulated) return { ok: true, value: { ...header, pixels: (view && viewPixels(dataSet, pixelOffset, header)) || copyPixels(dataSet, pixelOffset, header) } };
  const uid = header.transferSyntaxUid;
  try {
    const frames = dataSet.intString('x00280008') ?? 1;
    const pixels = decodeFirstFrame(uid, dataSet.byteArray, pixelOffset, Number.isFinite(frames) ? frames : 1, header);
    keepStoredBits(pixels, header.bitsStored, header.bitsAllocated, header.pixelRepresentation);
    return { ok: true, value: { ...header, pixels } };
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    return failure(file, `cannot decode ${describeTransferSyntax(uid)} pixel data: ${error.message}`);
  }
}

interface OpenImage {
  header: SliceHeader;
  dataSet: DataSet;
  /** Byte offset of the first frame in `dataSet.byteArray`, already checked to be long enough; for
   * encapsulated pixel data, of its Basic Offset Table item (the fragments were checked). */
  pixelOffset: number;
  encapsulated: boolean;
}

function openImage(bytes: Uint8Array, file: string): Result<OpenImage> {
  const opened = openDataSet(bytes);
  if (typeof opened === 'string') return failure(file, opened);
  const { dataSet, transferSyntaxUid } = opened;
  const header = readHeaderFields(dataSet, transferSyntaxUid);
  const located = locatePixels(dataSet, header);
  if (typeof located === 'string') return failure(file, located);
  const encapsulated = transferSyntax(transferSyntaxUid)?.compressed === true;
  return { ok: true, value: { header, dataSet, pixelOffset: located, encapsulated } };
}

interface OpenedDataSet {
  dataSet: DataSet;
  transferSyntaxUid: string;
}

/** Parses up to (not into) the pixel data; returns the dataset or the reason it is not DICOM. */
function openDataSet(bytes: Uint8Array): OpenedDataSet | string {
  if (bytes.length === 0) return 'empty file';
  if (hasDicmPrefix(bytes)) return parsePart10(bytes);
  const raw = guessRawDataSet(bytes);
  if (raw === 'meta-without-preamble') return parsePart10(withPreamble(bytes));
  if (raw === null) return 'not a DICOM file';
  const parsed = parseWith(bytes, raw);
  if (typeof parsed === 'string' || !looksLikeImage(parsed.dataSet)) return 'not a DICOM file';
  return parsed;
}

function parsePart10(bytes: Uint8Array): OpenedDataSet | string {
  const parsed = parseWith(bytes, undefined);
  if (typeof parsed === 'string') return `corrupt or truncated DICOM header (${parsed})`;
  return parsed;
}

/** dicom-parser, stopped at the pixel data; a partial dataset that reached the pixel data is kept. */
function parseWith(bytes: Uint8Array, rawTransferSyntax: string | undefined): OpenedDataSet | string {
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      untilTag: PIXEL_DATA,
      inflater: inflateDataSet,
      ...(rawTransferSyntax ? { TransferSyntaxUID: rawTransferSyntax } : {}),
    });
  } catch (error) {
    const partial = partialDataSet(error);
    if (!partial?.elements[PIXEL_DATA]) return reasonOf(error);
    dataSet = partial;
  }
  const transferSyntaxUid = rawTransferSyntax ?? dataSet.string('x00020010');
  if (!transferSyntaxUid) return 'missing TransferSyntaxUID (0002,0010)';
  return { dataSet, transferSyntaxUid };
}

/** Deflated explicit VR LE: the dataset after the meta header is raw DEFLATE (fflate works everywhere). */
function inflateDataSet(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position));
  full.set(inflated, position);
  return full;
}

function hasDicmPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

const KNOWN_VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

/**
 * Without `DICM` at 128, a file may still be an old raw dataset (usually implicit VR LE, starting with
 * group 0008) or a meta header without preamble. Decide from the first element, or say it is not DICOM.
 */
function guessRawDataSet(bytes: Uint8Array): string | 'meta-without-preamble' | null {
  if (bytes.length < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const group = view.getUint16(0, true);
  const vr = String.fromCharCode(bytes[4], bytes[5]);
  const explicit = KNOWN_VRS.has(vr);
  if (group === 0x0002 && explicit) return 'meta-without-preamble';
  if (group % 2 !== 0 || group < 0x0008 || group > 0x0028) return null;
  if (explicit) return EXPLICIT_VR_LITTLE_ENDIAN;
  const length = view.getUint32(4, true);
  return length === 0xffffffff || length <= bytes.length - 8 ? IMPLICIT_VR_LITTLE_ENDIAN : null;
}

function withPreamble(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(132 + bytes.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(bytes, 132);
  return out;
}

/** A guessed raw dataset must at least describe an image, or it was random bytes that parsed. */
function looksLikeImage(dataSet: DataSet): boolean {
  return dataSet.elements.x00280010 !== undefined && dataSet.elements.x00280011 !== undefined;
}

function readHeaderFields(dataSet: DataSet, transferSyntaxUid: string): SliceHeader {
  const pixelRepresentation = dataSet.uint16('x00280103') === 1 ? 1 : 0;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  return {
    instanceNumber: integer(dataSet, 'x00200013'),
    rows: dataSet.uint16('x00280010') ?? 0,
    columns: dataSet.uint16('x00280011') ?? 0,
    pixelSpacing: decimals(dataSet, 'x00280030', 2) as [number, number] | null,
    sliceThickness: decimal(dataSet, 'x00180050'),
    imagePositionPatient: decimals(dataSet, 'x00200032', 3) as [number, number, number] | null,
    imageOrientationPatient: decimals(dataSet, 'x00200037', 6),
    seriesInstanceUid: text(dataSet, 'x0020000e'),
    sopInstanceUid: text(dataSet, 'x00080018'),
    studyInstanceUid: text(dataSet, 'x0020000d'),
    modality: text(dataSet, 'x00080060'),
    patientName: text(dataSet, 'x00100010'),
    transferSyntaxUid,
    bitsAllocated,
    bitsStored: dataSet.uint16('x00280101') ?? bitsAllocated,
    pixelRepresentation,
    samplesPerPixel: dataSet.uint16('x00280002') ?? 1,
    photometricInterpretation: text(dataSet, 'x00280004'),
    rescaleSlope: decimal(dataSet, 'x00281053') ?? 1,
    rescaleIntercept: decimal(dataSet, 'x00281052') ?? 0,
    pixelPaddingValue: pixelPadding(dataSet, pixelRepresentation),
    windowCenter: decimal(dataSet, 'x00281050'),
    windowWidth: decimal(dataSet, 'x00281051'),
  };
}

/** Checks that the first frame can be read as native pixels; returns its byte offset or the problem. */
function locatePixels(dataSet: DataSet, header: SliceHeader, fileLength = dataSet.byteArray.length): number | string {
  const syntax = transferSyntax(header.transferSyntaxUid);
  const described = describeTransferSyntax(header.transferSyntaxUid);
  if (!syntax) return `${described} is not supported`;
  if (syntax.compressed && !canDecode(syntax.uid)) {
    return `compressed transfer syntax ${described} is not supported (LiverLab decodes JPEG lossless, JPEG-LS, JPEG 2000 and RLE)`;
  }
  const element: Element | undefined = dataSet.elements[PIXEL_DATA];
  if (!element) return 'no pixel data';
  const { rows, columns, samplesPerPixel, bitsAllocated, bitsStored } = header;
  if (rows === 0 || columns === 0) return 'missing Rows/Columns';
  if (samplesPerPixel !== 1) {
    return `${header.photometricInterpretation ?? 'colour'} / SamplesPerPixel ${samplesPerPixel} is not supported`;
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) return `BitsAllocated ${bitsAllocated} is not supported (only 8 and 16)`;
  if (bitsStored < 1 || bitsStored > bitsAllocated) return `BitsStored ${bitsStored} with BitsAllocated ${bitsAllocated}`;
  if (syntax.compressed) return locateFragments(dataSet, element, described);
  if (element.hadUndefinedLength) return `pixel data is encapsulated but the transfer syntax is ${described}`;
  const expected = rows * columns * (bitsAllocated / 8);
  const inFile = Math.max(0, fileLength - element.dataOffset);
  if (inFile < Math.min(element.length, expected)) return `truncated: pixel data has ${inFile} bytes, expected ${expected}`;
  if (element.length < expected) return `pixel data has ${element.length} bytes, expected ${expected}`;
  return element.dataOffset;
}

/** Compressed syntaxes: the pixel data must be encapsulated and its items intact (checked, not decoded). */
function locateFragments(dataSet: DataSet, element: Element, described: string): number | string {
  if (!element.hadUndefinedLength) return `transfer syntax ${described} needs encapsulated pixel data, but it has a defined length`;
  const items = readFragments(dataSet.byteArray, element.dataOffset);
  if (typeof items === 'string') return `${items} (${described})`;
  return element.dataOffset;
}

/** Copies the first frame into its own aligned buffer; swaps big endian; keeps only BitsStored bits. */
/** The pixels as a view into the file's bytes, when nothing needs changing (host order, no bits to mask) and the offset is aligned; else null. */
function viewPixels(dataSet: DataSet, offset: number, header: SliceHeader): PixelArray | null {
  const { rows, columns, bitsAllocated, bitsStored, pixelRepresentation } = header;
  if (bitsStored < bitsAllocated || (bitsAllocated !== 8 && bitsAllocated !== 16)) return null;
  const bytes = dataSet.byteArray;
  const count = rows * columns;
  if (bitsAllocated === 8) {
    const u8 = bytes.subarray(offset, offset + count);
    return pixelRepresentation === 1 ? new Int8Array(u8.buffer, u8.byteOffset, count) : u8;
  }
  if ((transferSyntax(header.transferSyntaxUid)?.littleEndian !== false) !== HOST_IS_LITTLE_ENDIAN) return null;
  const at = bytes.byteOffset + offset;
  if (at % 2 !== 0) return null;
  return pixelRepresentation === 1 ? new Int16Array(bytes.buffer, at, count) : new Uint16Array(bytes.buffer, at, count);
}

function copyPixels(dataSet: DataSet, offset: number, header: SliceHeader): PixelArray {
  const { rows, columns, bitsAllocated, bitsStored, pixelRepresentation } = header;
  const count = rows * columns;
  const bytes = new Uint8Array(count * (bitsAllocated / 8));
  bytes.set(dataSet.byteArray.subarray(offset, offset + bytes.length));
  if (bitsAllocated === 8) {
    const pixels = pixelRepresentation === 1 ? new Int8Array(bytes.buffer) : bytes;
    keepStoredBits(pixels, bitsStored, bitsAllocated, pixelRepresentation);
    return pixels;
  }
  swapIfNeeded(bytes, transferSyntax(header.transferSyntaxUid)?.littleEndian !== false);
  const pixels = pixelRepresentation === 1 ? new Int16Array(bytes.buffer) : new Uint16Array(bytes.buffer);
  keepStoredBits(pixels, bitsStored, bitsAllocated, pixelRepresentation);
  return pixels;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Brings 16-bit samples in file order `fileLittleEndian` to host order, in place. */
function swapIfNeeded(bytes: Uint8Array, fileLittleEndian: boolean): void {
  if (fileLittleEndian === HOST_IS_LITTLE_ENDIAN) return;
  for (let i = 0; i < bytes.length; i += 2) {
    const low = bytes[i];
    bytes[i] = bytes[i + 1];
    bytes[i + 1] = low;
  }
}

/** Bits above HighBit are not part of the value (old files put overlays there): mask or sign-extend. */
function keepStoredBits(pixels: PixelArray, bitsStored: number, bitsAllocated: number, pixelRepresentation: 0 | 1): void {
  if (bitsStored >= bitsAllocated) return;
  const mask = (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i] & mask;
    pixels[i] = pixelRepresentation === 1 && value & signBit ? value - (mask + 1) : value;
  }
}

function text(dataSet: DataSet, tag: string): string | null {
  const value = dataSet.string(tag);
  return value === undefined || value === '' ? null : value;
}

function decimal(dataSet: DataSet, tag: string, index = 0): number | null {
  const value = dataSet.floatString(tag, index);
  return value === undefined || !Number.isFinite(value) ? null : value;
}

function integer(dataSet: DataSet, tag: string): number | null {
  const value = dataSet.intString(tag);
  return value === undefined || !Number.isFinite(value) ? null : value;
}

/** Exactly `count` decimal values, or null when absent or malformed. */
function decimals(dataSet: DataSet, tag: string, count: number): number[] | null {
  if ((dataSet.numStringValues(tag) ?? 0) < count) return null;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = decimal(dataSet, tag, i);
    if (value === null) return null;
    values.push(value);
  }
  return values;
}

/** PixelPaddingValue is US or SS like the pixels; implicit VR files only say so through PixelRepresentation. */
function pixelPadding(dataSet: DataSet, pixelRepresentation: 0 | 1): number | null {
  const element = dataSet.elements.x00280120;
  if (!element || element.length < 2) return null;
  const signed = element.vr ? element.vr === 'SS' : pixelRepresentation === 1;
  return (signed ? dataSet.int16('x00280120') : dataSet.uint16('x00280120')) ?? null;
}

function failure(file: string, message: string): { ok: false; problem: Problem } {
  return { ok: false, problem: { file, message, severity: 'error' } };
}

function neverThrow<T>(file: string, read: () => Result<T>): Result<T> {
  try {
    return read();
  } catch (error) {
    return failure(file, `unreadable DICOM (${reasonOf(error)})`);
  }
}

/** dicom-parser throws strings, Errors, or `{exception, dataSet}` objects. */
function reasonOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'exception' in error) return reasonOf(error.exception);
  return String(error);
}

function partialDataSet(error: unknown): DataSet | undefined {
  if (typeof error === 'object' && error !== null && 'dataSet' in error) {
    const { dataSet } = error as { dataSet?: DataSet };
    if (dataSet && typeof dataSet === 'object' && 'elements' in dataSet) return dataSet;
  }
  return undefined;
}
