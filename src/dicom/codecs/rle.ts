// DICOM RLE Lossless (1.2.840.10008.1.2.5, PS3.5 Annex G): a 64-byte header of segment offsets, then
// one PackBits segment per byte plane (most significant byte first). Small enough to own: unlike the
// DICOM image loader's copy it checks the segment count and offsets and reports a short segment.
// Pure TypeScript, synchronous: no WASM to load.
import type { PixelArray } from '../../common/types';
import { CodecError, samplesFromBytes, type FrameInfo } from './frame';
import { unpackBits } from '../../common/packBits';

const CODEC = 'RLE';

export function decodeRle(encoded: Uint8Array, frame: FrameInfo): PixelArray {
  const bytesPerSample = frame.bitsAllocated / 8;
  const segmentsExpected = bytesPerSample * frame.samplesPerPixel;
  if (encoded.length < 64) throw new CodecError(`${CODEC}: ${encoded.length} bytes, shorter than the 64-byte RLE header`);
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== segmentsExpected) {
    throw new CodecError(`${CODEC}: ${segments} segments, expected ${segmentsExpected} for ${frame.bitsAllocated}-bit samples`);
  }
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  offsets.push(encoded.length);

  const count = frame.rows * frame.columns;
  const out = new Uint8Array(count * segments);
  const plane = new Uint8Array(count);
  for (let s = 0; s < segments; s++) {
    const [start, end] = [offsets[s], offsets[s + 1]];
    if (start < 64 || start > end || end > encoded.length) {
      throw new CodecError(`${CODEC}: segment ${s + 1} has offsets ${start}..${end} outside the ${encoded.length}-byte frame`);
    }
    const produced = unpackBits(encoded, start, end, plane);
    if (produced < count) throw new CodecError(`${CODEC}: segment ${s + 1} decodes to ${produced} bytes, expected ${count}`);
    // Segment order: sample by sample, most significant byte first; output is little endian, interleaved.
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const stride = segments;
    let at = sample * bytesPerSample + byteInSample;
    for (let i = 0; i < count; i++, at += stride) out[at] = plane[i];
  }
  return samplesFromBytes(littleEndianToHost(out, bytesPerSample), frame, CODEC);
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianToHost(bytes: Uint8Array, width: number): Uint8Array {
  if (width !== 2 || HOST_IS_LITTLE_ENDIAN) return bytes;
  for (let i = 0; i < bytes.length; i += 2) [bytes[i], bytes[i + 1]] = [bytes[i + 1], bytes[i]];
  return bytes;
}
