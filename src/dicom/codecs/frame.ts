// What a codec needs to know about one frame, and the one way every codec hands its samples back:
// a fresh typed array of Rows × Columns samples, Int16/Uint16 for 16-bit and Int8/Uint8 for 8-bit,
// exactly what the uncompressed reader returns, so HU, windowing and CLAHE never see a difference.
// Pure: no DOM, no Node APIs.
import type { PixelArray } from '../../common/types';

export interface FrameInfo {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  samplesPerPixel: number;
}

/** A decode failure the reader turns into a Problem naming the file ("JPEG-LS: …"). */
export class CodecError extends Error {
  override name = 'CodecError';
}

/** Decodes one frame's encapsulated bytes, synchronously (WASM codecs are loaded before). Throws CodecError. */
export type FrameDecoder = (encoded: Uint8Array, frame: FrameInfo) => PixelArray;

/**
 * Copies decoded samples (host byte order, `bitsAllocated` wide) into their own buffer, typed by
 * PixelRepresentation. `bytes` may be a view into WASM memory, which the next decode overwrites.
 */
export function samplesFromBytes(bytes: Uint8Array, frame: FrameInfo, codec: string): PixelArray {
  const count = frame.rows * frame.columns;
  const width = frame.bitsAllocated / 8;
  if (bytes.length < count * width) {
    throw new CodecError(`${codec}: decoded ${bytes.length} bytes, expected ${count * width} (${frame.rows}×${frame.columns}×${width})`);
  }
  const copy = new Uint8Array(count * width);
  copy.set(bytes.subarray(0, copy.length));
  if (width === 1) return frame.pixelRepresentation === 1 ? new Int8Array(copy.buffer) : copy;
  return frame.pixelRepresentation === 1 ? new Int16Array(copy.buffer) : new Uint16Array(copy.buffer);
}

/** The codestream's own size and sample depth must match the DICOM header, or the pixels are not this image. */
export function checkGeometry(
  codec: string,
  frame: FrameInfo,
  found: { width: number; height: number; bitsPerSample: number; components: number },
): void {
  if (found.width !== frame.columns || found.height !== frame.rows) {
    throw new CodecError(`${codec}: codestream is ${found.height}×${found.width} but the header says ${frame.rows}×${frame.columns}`);
  }
  if (found.components !== frame.samplesPerPixel) {
    throw new CodecError(`${codec}: codestream has ${found.components} components, the header says SamplesPerPixel ${frame.samplesPerPixel}`);
  }
  if (found.bitsPerSample > frame.bitsAllocated) {
    throw new CodecError(`${codec}: codestream has ${found.bitsPerSample}-bit samples but BitsAllocated is ${frame.bitsAllocated}`);
  }
}
