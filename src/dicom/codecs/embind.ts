// What the two Embind WASM codecs (CharLS for JPEG-LS, OpenJPEG for JPEG 2000) have in common: loaded
// once per worker / process on first use (a failed load is retried next time), then one synchronous
// decode per frame — encoded bytes in, decoded frame checked against the header's geometry, decoder freed.
import type { PixelArray } from '../../common/types';
import type { EmbindDecoder } from './emscriptenTypes';
import { CodecError, checkGeometry, samplesFromBytes, type FrameDecoder, type FrameInfo } from './frame';
import type { CodecLog } from './wasm';

/** `load` run at most once at a time; its decoder kept once loaded. */
export function loadOnce(load: () => Promise<FrameDecoder>): () => Promise<FrameDecoder> {
  let loading: Promise<FrameDecoder> | null = null;
  return () => {
    loading ??= load();
    loading.catch(() => (loading = null));
    return loading;
  };
}

export interface EmbindCodec {
  /** Name used in messages, e.g. `JPEG-LS`. */
  name: string;
  log: CodecLog;
  create(): EmbindDecoder;
  /** The message for an exception thrown by `decode()`. */
  describeFailure(error: unknown): string;
  /** Whether error lines the codec printed (without throwing) make the frame unusable. */
  failOnLoggedErrors?: boolean;
}

export function decodeEmbind(codec: EmbindCodec, encoded: Uint8Array, frame: FrameInfo): PixelArray {
  const decoder = codec.create();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    codec.log.lines.length = 0;
    try {
      decoder.decode();
    } catch (error) {
      throw new CodecError(`${codec.name}: ${codec.describeFailure(error)}`);
    }
    if (codec.failOnLoggedErrors) {
      const errors = codec.log.lines.filter((line) => /error/i.test(line));
      if (errors.length > 0) throw new CodecError(`${codec.name}: ${errors.map((line) => line.replace(/^\[ERROR\]\s*/, '').trim()).join('; ')}`);
    }
    const info = decoder.getFrameInfo();
    checkGeometry(codec.name, frame, { width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, components: info.componentCount });
    return samplesFromBytes(decoder.getDecodedBuffer(), frame, codec.name);
  } finally {
    decoder.delete();
  }
}
