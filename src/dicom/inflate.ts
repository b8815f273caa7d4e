// Raw-deflate decompression of one zip entry, as fast as the platform allows: the browser's
// native DecompressionStream('deflate-raw') (zlib in C++), Node's zlib when the CLI installs it,
// fflate (pure JS) otherwise. The output is capped: a lying header cannot make it inflate a bomb.
// Pure: no DOM, no Node imports (Node's zlib is injected by the CLI with `setInflateRaw`).
import { Inflate, inflateSync } from 'fflate';

export type InflateRaw = (compressed: Uint8Array, expectedSize: number, maxBytes: number) => Promise<Uint8Array>;

export class InflateCapExceeded extends Error {
  constructor(maxBytes: number) {
    super(`inflates past ${maxBytes} bytes`);
    this.name = 'InflateCapExceeded';
  }
}

/** Entries smaller than this inflate faster in JS (one fflate call) than through a stream's set-up cost. */
const NATIVE_MIN_BYTES = 32 * 1024;
/** Entries inflating to at least this go native whatever their compressed size. */
const NATIVE_MIN_OUTPUT_BYTES = 128 * 1024;

let injected: InflateRaw | null = null;

/** Installs a faster platform inflater (the CLI passes Node's zlib). */
export function setInflateRaw(fn: InflateRaw | null): void {
  injected = fn;
}

export function inflateRaw(compressed: Uint8Array, expectedSize: number, maxBytes: number): Promise<Uint8Array> {
  if (expectedSize > maxBytes) return Promise.reject(new InflateCapExceeded(maxBytes));
  if (injected) return injected(compressed, expectedSize, maxBytes);
  // Native for big inputs and for big outputs too: a mostly-empty mask slice compresses to ~1 KB but
  // inflates to 512 KB, which fflate's byte-by-byte copies take ~8 ms for, zlib well under one.
  if (typeof DecompressionStream !== 'undefined' && (compressed.length >= NATIVE_MIN_BYTES || expectedSize >= NATIVE_MIN_OUTPUT_BYTES)) {
    return inflateNative(compressed, expectedSize, maxBytes);
  }
  return Promise.resolve().then(() => inflateJs(compressed, expectedSize, maxBytes));
}

function inflateJs(compressed: Uint8Array, expectedSize: number, maxBytes: number): Uint8Array {
  // One call into a buffer of the declared size plus one byte: fflate never writes past it, so a
  // full buffer means the entry inflates to more than it declared; only then is it inflated again,
  // streaming, to tell a bomb (over the cap) from a merely wrong header.
  const out = inflateSync(compressed, { out: new Uint8Array(expectedSize + 1) });
  if (out.length <= expectedSize) return out;
  return inflateJsStreaming(compressed, expectedSize, maxBytes);
}

function inflateJsStreaming(compressed: Uint8Array, expectedSize: number, maxBytes: number): Uint8Array {
  // Streaming inflate, so the cap is checked as the output grows, whatever the header claimed.
  let out = new Uint8Array(Math.max(expectedSize, 1));
  let size = 0;
  const inflate = new Inflate((chunk) => {
    if (size + chunk.length > maxBytes) throw new InflateCapExceeded(maxBytes);
    if (size + chunk.length > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(out.length * 2, size + chunk.length)));
      grown.set(out.subarray(0, size));
      out = grown;
    }
    out.set(chunk, size);
    size += chunk.length;
  });
  inflate.push(compressed, true);
  return size === out.length ? out : out.slice(0, size);
}

async function inflateNative(compressed: Uint8Array, expectedSize: number, maxBytes: number): Promise<Uint8Array> {
  // Written straight into the stream (a Blob's stream would add a copy and a round of reads).
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const written = writer.write(compressed as Uint8Array<ArrayBuffer>).then(() => writer.close());
  written.catch(() => {}); // a corrupt stream errors the reader too, where it is reported
  const reader = stream.readable.getReader();
  let out = new Uint8Array(Math.max(expectedSize, 1));
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.length > maxBytes) {
      await reader.cancel();
      throw new InflateCapExceeded(maxBytes);
    }
    if (size + value.length > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(out.length * 2, size + value.length)));
      grown.set(out.subarray(0, size));
      out = grown;
    }
    out.set(value, size);
    size += value.length;
  }
  return size === out.length ? out : out.slice(0, size);
}

/**
 * The first `want` bytes a raw-deflate stream inflates to, from as much of its start as was read:
 * enough for a DICOM header without inflating (or even reading) the pixel data. Fewer bytes come
 * back when the compressed prefix ends first, or when the data is corrupt (the whole entry, read
 * later, reports that). fflate, fed 256 bytes at a time so it stops soon after `want` (deflate
 * expands at most ~1032:1): measured on 3Dircadb1.17, ~0.4 ms an entry, where a native
 * DecompressionStream costs ~5 ms an entry in a browser worker and one fflate call decodes a whole
 * mostly-zero mask slice (512 KB) to hand out its start.
 */
export function inflatePrefix(compressedPrefix: Uint8Array, want: number): Uint8Array {
  const out = new Uint8Array(want);
  let size = 0;
  const inflate = new Inflate((chunk) => {
    const n = Math.min(chunk.length, want - size);
    out.set(chunk.subarray(0, n), size);
    size += n;
  });
  try {
    for (let at = 0; at < compressedPrefix.length && size < want; at += 256) inflate.push(compressedPrefix.subarray(at, at + 256));
  } catch {
    /* corrupt: what came out is what there is */
  }
  return out.subarray(0, size);
}
