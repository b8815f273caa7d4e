// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the codec packages ship no types; these must reach every tsconfig
/// <reference path="./emscripten.d.ts" />
// JPEG 2000 lossless (1.2.840.10008.1.2.4.90) and lossy (…4.91) with OpenJPEG, Cornerstone's WASM build
// (@cornerstonejs/codec-openjpeg). Loaded on first use (once per worker / process); after that, decoding
// is synchronous. OpenJPEG reports a bad codestream on stderr rather than throwing: that line becomes
// the message, and a frame of the wrong size is refused.
import type { PixelArray } from '../types';
import type { EmbindDecoder } from './emscriptenTypes';
import { CodecError, checkGeometry, samplesFromBytes, type FrameDecoder, type FrameInfo } from './frame';
import { instantiate, type CodecLog } from './wasm';

const CODEC = 'JPEG 2000';

interface OpenJpegModule {
  J2KDecoder: new () => EmbindDecoder;
}

let loading: Promise<FrameDecoder> | null = null;

export function loadJpeg2000(): Promise<FrameDecoder> {
  loading ??= (async () => {
    const factory = await import('@cornerstonejs/codec-openjpeg/decodewasmjs');
    const { module, log } = await instantiate<OpenJpegModule>('openjpeg', factory);
    return (encoded, frame) => decodeWith(module, log, encoded, frame);
  })();
  loading.catch(() => (loading = null));
  return loading;
}

function decodeWith(module: OpenJpegModule, log: CodecLog, encoded: Uint8Array, frame: FrameInfo): PixelArray {
  const decoder = new module.J2KDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    log.lines.length = 0;
    try {
      decoder.decode();
    } catch (error) {
      throw new CodecError(`${CODEC}: ${error instanceof Error ? error.message : (log.lines.at(-1) ?? 'corrupt codestream')}`);
    }
    const errors = log.lines.filter((line) => /error/i.test(line));
    if (errors.length > 0) throw new CodecError(`${CODEC}: ${errors.map(clean).join('; ')}`);
    const info = decoder.getFrameInfo();
    checkGeometry(CODEC, frame, { width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, components: info.componentCount });
    return samplesFromBytes(decoder.getDecodedBuffer(), frame, CODEC);
  } finally {
    decoder.delete();
  }
}

function clean(line: string): string {
  return line.replace(/^\[ERROR\]\s*/, '').trim();
}
