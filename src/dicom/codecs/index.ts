// Chooses the decoder for an encapsulated transfer syntax and decodes the first frame of a DICOM image.
// The pure-JS codecs (RLE, JPEG lossless, encapsulated uncompressed) are always ready; the WASM ones
// (JPEG-LS, JPEG 2000) load on first use with `loadDecoder`, after which `decodeFirstFrame` is
// synchronous. Every failure is a CodecError whose message names the codec and the problem; the
// reader adds the file name. Runs in workers, the page and Node (CLI) alike.
import type { PixelArray } from '../../common/types';
import { CodecError, samplesFromBytes, type FrameDecoder, type FrameInfo } from './frame';
import { firstFrame, readFragments } from './fragments';
import { loadJpeg2000 } from './jpeg2000';
import { decodeJpegLossless } from './jpegLossless';
import { loadJpegLs } from './jpegLs';
import { decodeRle } from './rle';

export { CodecError, type FrameInfo } from './frame';

type Family = 'rle' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000' | 'encapsulated-uncompressed';

const FAMILY_BY_UID: ReadonlyMap<string, Family> = new Map([
  ['1.2.840.10008.1.2.5', 'rle'],
  ['1.2.840.10008.1.2.4.57', 'jpeg-lossless'],
  ['1.2.840.10008.1.2.4.70', 'jpeg-lossless'],
  ['1.2.840.10008.1.2.4.80', 'jpeg-ls'],
  ['1.2.840.10008.1.2.4.81', 'jpeg-ls'],
  ['1.2.840.10008.1.2.4.90', 'jpeg-2000'],
  ['1.2.840.10008.1.2.4.91', 'jpeg-2000'],
  ['1.2.840.10008.1.2.1.98', 'encapsulated-uncompressed'],
]);

const LABEL: Record<Family, string> = {
  rle: 'RLE',
  'jpeg-lossless': 'JPEG lossless',
  'jpeg-ls': 'JPEG-LS',
  'jpeg-2000': 'JPEG 2000',
  'encapsulated-uncompressed': 'encapsulated uncompressed',
};

/** The encapsulated transfer syntaxes LiverLab decodes, by UID. */
export const DECODABLE_TRANSFER_SYNTAXES: readonly string[] = [...FAMILY_BY_UID.keys()];

/** True when LiverLab has a decoder for this encapsulated transfer syntax. */
export function canDecode(uid: string): boolean {
  return FAMILY_BY_UID.has(uid.replace(/[\0\s]+$/, '').trim());
}

const ready = new Map<Family, FrameDecoder>([
  ['rle', decodeRle],
  ['jpeg-lossless', decodeJpegLossless],
  ['encapsulated-uncompressed', decodeEncapsulatedUncompressed],
]);

/** Loads (once) the decoder this transfer syntax needs. Resolves with false for syntaxes without one. */
export async function loadDecoder(uid: string): Promise<boolean> {
  const family = familyOf(uid);
  if (!family) return false;
  if (ready.has(family)) return true;
  const decoder = family === 'jpeg-ls' ? await loadJpegLs() : await loadJpeg2000();
  ready.set(family, decoder);
  return true;
}

/** True when `decodeFirstFrame` can run now for this syntax (pure-JS codecs, or WASM already loaded). */
export function isDecoderLoaded(uid: string): boolean {
  const family = familyOf(uid);
  return family !== null && ready.has(family);
}

/**
 * Decodes the first frame of encapsulated pixel data that starts at `start` (the Basic Offset Table
 * item) in `bytes`. Returns samples in their own buffer, typed like the uncompressed reader's.
 */
export function decodeFirstFrame(uid: string, bytes: Uint8Array, start: number, frames: number, frame: FrameInfo): PixelArray {
  const family = familyOf(uid);
  const decoder = family && ready.get(family);
  if (!decoder) {
    throw new CodecError(family ? `the ${LABEL[family]} decoder is not loaded yet (read with readSliceAsync)` : `no decoder for transfer syntax ${uid}`);
  }
  const items = readFragments(bytes, start);
  if (typeof items === 'string') throw new CodecError(items);
  const encoded = firstFrame(bytes, items, frames);
  if (typeof encoded === 'string') throw new CodecError(encoded);
  try {
    return decoder(encoded, frame);
  } catch (error) {
    if (error instanceof CodecError) throw error;
    // A WASM trap or a codec bug: still a message about this file, not a crash of the drop.
    throw new CodecError(`${LABEL[family!]} decoder failed (${error instanceof Error ? error.message : String(error)})`);
  }
}

function familyOf(uid: string): Family | null {
  return FAMILY_BY_UID.get(uid.replace(/[\0\s]+$/, '').trim()) ?? null;
}

/** Encapsulated Uncompressed Explicit VR Little Endian: native little-endian samples split into fragments. */
function decodeEncapsulatedUncompressed(encoded: Uint8Array, frame: FrameInfo): PixelArray {
  const expected = frame.rows * frame.columns * (frame.bitsAllocated / 8);
  if (encoded.length < expected) throw new CodecError(`encapsulated uncompressed frame has ${encoded.length} bytes, expected ${expected}`);
  const bytes = encoded.slice(0, expected);
  if (frame.bitsAllocated === 16 && new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    for (let i = 0; i < bytes.length; i += 2) [bytes[i], bytes[i + 1]] = [bytes[i + 1], bytes[i]];
  }
  return samplesFromBytes(bytes, frame, 'encapsulated uncompressed');
}
