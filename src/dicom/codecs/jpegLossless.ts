// JPEG Lossless, Non-Hierarchical (Process 14), any predictor (1.2.840.10008.1.2.4.57) or Selection
// Value 1 (…4.70): 2–16-bit samples. libjpeg-turbo (8-bit only) cannot do 16-bit CT, so this uses
// the pure-JS decoder the Cornerstone DICOM image loader ships (@cornerstonejs/jpeg-lossless-decoder-js).
// Synchronous, no WASM; runs in workers, the page and Node alike.
import { Decoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import type { PixelArray } from '../../common/types';
import { CodecError, checkGeometry, samplesFromBytes, type FrameInfo } from './frame';

const CODEC = 'JPEG lossless';

export function decodeJpegLossless(encoded: Uint8Array, frame: FrameInfo): PixelArray {
  if (encoded.length < 4 || encoded[0] !== 0xff || encoded[1] !== 0xd8) {
    throw new CodecError(`${CODEC}: the frame does not start with a JPEG SOI marker`);
  }
  const decoder = new Decoder();
  let decoded: Uint8Array | Uint16Array;
  try {
    // The decoder reads from an ArrayBuffer; give it exactly this frame's bytes.
    const own = encoded.slice();
    decoded = decoder.decode(own.buffer, 0, own.length, frame.bitsAllocated <= 8 ? 1 : 2);
  } catch (error) {
    throw new CodecError(`${CODEC}: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkGeometry(CODEC, frame, {
    width: decoder.xDim,
    height: decoder.yDim,
    bitsPerSample: decoder.precision ?? frame.bitsStored,
    components: decoder.numComp,
  });
  const bytes = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  return samplesFromBytes(bytes, frame, CODEC);
}
