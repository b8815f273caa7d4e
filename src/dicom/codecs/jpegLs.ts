// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the codec packages ship no types; these must reach every tsconfig
/// <reference path="./emscripten.d.ts" />
// JPEG-LS lossless (1.2.840.10008.1.2.4.80) and near-lossless (…4.81) with CharLS, Cornerstone's WASM
// build (@cornerstonejs/codec-charls). Loaded on first use (once per worker / process); after that,
// decoding is synchronous. Near-lossless files differ from the original by at most NEAR per sample.
import type { PixelArray } from '../types';
import type { EmbindDecoder } from './emscriptenTypes';
import { CodecError, checkGeometry, samplesFromBytes, type FrameDecoder, type FrameInfo } from './frame';
import { instantiate, type CodecLog } from './wasm';

const CODEC = 'JPEG-LS';

interface CharLsModule {
  JpegLSDecoder: new () => EmbindDecoder;
  getExceptionMessage?(pointer: number): string | [string, string];
}

let loading: Promise<FrameDecoder> | null = null;

export function loadJpegLs(): Promise<FrameDecoder> {
  loading ??= (async () => {
    const factory = await import('@cornerstonejs/codec-charls/decodewasmjs');
    const { module, log } = await instantiate<CharLsModule>('charls', factory);
    return (encoded, frame) => decodeWith(module, log, encoded, frame);
  })();
  loading.catch(() => (loading = null)); // a failed load is retried next time
  return loading;
}

function decodeWith(module: CharLsModule, log: CodecLog, encoded: Uint8Array, frame: FrameInfo): PixelArray {
  const decoder = new module.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    log.lines.length = 0;
    try {
      decoder.decode();
    } catch (error) {
      throw new CodecError(`${CODEC}: ${describe(module, log, error)}`);
    }
    const info = decoder.getFrameInfo();
    checkGeometry(CODEC, frame, { width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, components: info.componentCount });
    return samplesFromBytes(decoder.getDecodedBuffer(), frame, CODEC);
  } finally {
    decoder.delete();
  }
}

/** CharLS throws C++ exceptions as pointers; the module can turn one into its message. */
function describe(module: CharLsModule, log: CodecLog, error: unknown): string {
  if (typeof error === 'number' && module.getExceptionMessage) {
    const message = module.getExceptionMessage(error);
    return (Array.isArray(message) ? message.filter(Boolean).join(': ') : message) || 'corrupt codestream';
  }
  if (error instanceof Error) return error.message;
  return log.lines.at(-1) ?? String(error);
}
