// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the codec packages ship no types; these must reach every tsconfig
/// <reference path="./emscripten.d.ts" />
// JPEG-LS lossless (1.2.840.10008.1.2.4.80) and near-lossless (…4.81) with CharLS, Cornerstone's WASM
// build (@cornerstonejs/codec-charls). Loaded on first use (once per worker / process); after that,
// decoding is synchronous. Near-lossless files differ from the original by at most NEAR per sample.
import type { EmbindDecoder } from './emscriptenTypes';
import { decodeEmbind, loadOnce } from './embind';
import { instantiate, type CodecLog } from './wasm';

interface CharLsModule {
  JpegLSDecoder: new () => EmbindDecoder;
  getExceptionMessage?(pointer: number): string | [string, string];
}

export const loadJpegLs = loadOnce(async () => {
  const factory = await import('@cornerstonejs/codec-charls/decodewasmjs');
  const { module, log } = await instantiate<CharLsModule>('charls', factory);
  const codec = { name: 'JPEG-LS', log, create: () => new module.JpegLSDecoder(), describeFailure: (error: unknown) => describe(module, log, error) };
  return (encoded, frame) => decodeEmbind(codec, encoded, frame);
});

/** CharLS throws C++ exceptions as pointers; the module can turn one into its message. */
function describe(module: CharLsModule, log: CodecLog, error: unknown): string {
  if (typeof error === 'number' && module.getExceptionMessage) {
    const message = module.getExceptionMessage(error);
    return (Array.isArray(message) ? message.filter(Boolean).join(': ') : message) || 'corrupt codestream';
  }
  if (error instanceof Error) return error.message;
  return log.lines.at(-1) ?? String(error);
}
