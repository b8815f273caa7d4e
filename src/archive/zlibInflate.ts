// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- pako ships no types for lib/zlib; these must reach every tsconfig
/// <reference path="./pakoZlib.d.ts" />
// Raw-deflate inflation with zlib's own algorithm in JS (pako's port of zlib), straight into a buffer
// the caller owns and stopping when it is full: what a DICOM header needs (inflate the first few KB
// of an entry, not the 256 KB a mostly-empty mask slice expands to) and what a whole slice needs in
// a worker (one call, no stream set-up, no thread hops). fflate's streaming `Inflate` cannot stop
// early without regrowing a 160 KB buffer on every push (measured in a browser worker: ~5 ms per
// header against ~0.2 ms here), and a DecompressionStream costs ~3 ms of set-up per entry.
// When zlib compiled to WASM is installed (src/archive/zlibWasm.ts: ~2× faster, no JIT warm-up), calls
// go there; this JS port is the fallback (a module that failed to load, a test without it).
// One z_stream per thread, reset for each call (keeps zlib's 32 KB window allocated). Pure.
import { inflateRawIntoWasm, type ZlibResult } from './zlibWasm';
import ZStream from 'pako/lib/zlib/zstream.js';
import { inflate, inflateInit2, inflateReset } from 'pako/lib/zlib/inflate.js';

const Z_NO_FLUSH = 0;
const Z_STREAM_END = 1;
const Z_BUF_ERROR = -5;
/** Raw deflate (no zlib header), 32 KB window. */
const RAW_WINDOW_BITS = -15;


let stream: ZStream | null = null;

function freshStream(): ZStream {
  if (stream && inflateReset(stream) === 0) return stream;
  stream = new ZStream();
  const status = inflateInit2(stream, RAW_WINDOW_BITS);
  if (status !== 0) throw new Error(`zlib inflateInit2 failed (${status})`);
  return stream;
}

/**
 * Inflates `compressed` (all of a raw-deflate stream or only its start) into `out` until the stream
 * ends, the input runs out or `out` is full, whichever comes first.
 */
export function inflateRawInto(compressed: Uint8Array, out: Uint8Array): ZlibResult {
  return inflateRawIntoWasm(compressed, out) ?? inflateRawIntoJs(compressed, out);
}

/** `inflateRawInto` with zlib's JS port, whatever is installed. */
export function inflateRawIntoJs(compressed: Uint8Array, out: Uint8Array): ZlibResult {
  const strm = freshStream();
  strm.input = compressed;
  strm.next_in = 0;
  strm.avail_in = compressed.length;
  strm.output = out;
  strm.next_out = 0;
  strm.avail_out = out.length;
  const status = inflate(strm, Z_NO_FLUSH);
  const result: ZlibResult = {
    written: strm.next_out,
    ended: status === Z_STREAM_END,
    error: status < 0 && status !== Z_BUF_ERROR ? strm.msg || `zlib error ${status}` : null,
  };
  // Let go of the caller's buffers (the stream lives on for the next call).
  strm.input = null;
  strm.output = null;
  return result;
}
