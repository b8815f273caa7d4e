// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the codec packages ship no types; these must reach every tsconfig
/// <reference path="./emscripten.d.ts" />
// JPEG 2000 lossless (1.2.840.10008.1.2.4.90) and lossy (…4.91) with OpenJPEG, Cornerstone's WASM build
// (@cornerstonejs/codec-openjpeg). Loaded on first use (once per worker / process); after that, decoding
// is synchronous. OpenJPEG reports a bad codestream on stderr rather than throwing: that line becomes
// the message, and a frame of the wrong size is refused.
import type { EmbindDecoder } from './emscriptenTypes';
import { decodeEmbind, loadOnce } from './embind';
import { instantiate } from './wasm';

interface OpenJpegModule {
  J2KDecoder: new () => EmbindDecoder;
}

export const loadJpeg2000 = loadOnce(async () => {
  const factory = await import('@cornerstonejs/codec-openjpeg/decodewasmjs');
  const { module, log } = await instantiate<OpenJpegModule>('openjpeg', factory);
  const codec = {
    name: 'JPEG 2000',
    log,
    create: () => new module.J2KDecoder(),
    describeFailure: (error: unknown) => (error instanceof Error ? error.message : (log.lines.at(-1) ?? 'corrupt codestream')),
    failOnLoggedErrors: true,
  };
  return (encoded, frame) => decodeEmbind(codec, encoded, frame);
});
