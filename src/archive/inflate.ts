// Raw-deflate decompression of one zip entry, as fast as the platform allows: Node's zlib when the
// CLI installs it, else zlib's algorithm in JS (pako's port, src/archive/zlibInflate.ts) in one call
// into a buffer of the declared size — in a browser worker that beats a DecompressionStream, whose
// set-up and thread hops cost ~3 ms an entry. The output is capped: a lying header cannot make it
// inflate a bomb. Pure: no DOM, no Node imports (Node's zlib is injected by the CLI with `setInflateRaw`).
import { Inflate } from 'fflate';
import { inflateRawInto } from './zlibInflate';
import { inflateCheckedIntoWasm, zlibWasmInstalled } from './zlibWasm';
import { crc32 } from '../common/crc32';

export type InflateRaw = (compressed: Uint8Array, expectedSize: number, maxBytes: number) => Promise<Uint8Array>;

export class InflateCapExceeded extends Error {
  constructor(maxBytes: number) {
    super(`inflates past ${maxBytes} bytes`);
    this.name = 'InflateCapExceeded';
  }
}

let injected: InflateRaw | null = null;
let injectedCrc32: ((bytes: Uint8Array) => number) | null = null;

/**
 * Installs a faster platform inflater (the CLI passes Node's zlib) and, optionally, the platform's
 * CRC-32 to check what it inflates with (Node's zlib.crc32: ~5× the JS one here).
 */
export function setInflateRaw(fn: InflateRaw | null, crc?: (bytes: Uint8Array) => number): void {
  injected = fn;
  injectedCrc32 = fn && crc ? crc : null;
}

/**
 * The inflated entry. `into` (at least expectedSize + 1 bytes), if given, may be written and returned
 * (a view of it) instead of a fresh buffer: for callers that reuse one buffer entry after entry.
 */
export function inflateRaw(compressed: Uint8Array, expectedSize: number, maxBytes: number, into?: Uint8Array): Promise<Uint8Array> {
  if (expectedSize > maxBytes) return Promise.reject(new InflateCapExceeded(maxBytes));
  if (injected) return injected(compressed, expectedSize, maxBytes);
  return Promise.resolve().then(() => inflateJs(compressed, expectedSize, maxBytes, into));
}

/**
 * A whole zip entry, inflated and checked against the size and CRC-32 its zip records: zlib's WASM
 * build checks both as it inflates when it is installed (and Node's zlib is not); otherwise the entry
 * is inflated, then measured and its CRC-32 computed here. Throws with what is wrong ("inflated to N
 * bytes, the zip says M", "CRC-32 is X, the zip says Y"), or InflateCapExceeded. `into` as in inflateRaw.
 */
export async function inflateEntry(compressed: Uint8Array, size: number, crc: number, maxBytes: number, into?: Uint8Array): Promise<Uint8Array> {
  if (!injected && size <= maxBytes && zlibWasmInstalled()) {
    const out = into && into.length > size ? into.subarray(0, size + 1) : new Uint8Array(size + 1);
    await Promise.resolve(); // as asynchronous as inflateRaw: callers start several entries at once
    if (inflateCheckedIntoWasm(compressed, out, crc, size)) return out.subarray(0, size);
  }
  const bytes = await inflateRaw(compressed, size, maxBytes, into);
  checkEntryBytes(bytes, size, crc);
  return bytes;
}

/** Throws unless `bytes` are the `size` bytes of CRC-32 `crc` a zip entry's headers promise. */
export function checkEntryBytes(bytes: Uint8Array, size: number, crc: number): void {
  if (bytes.length !== size) throw new Error(`inflated to ${bytes.length} bytes, the zip says ${size}`);
  const actual = (injectedCrc32 ?? crc32)(bytes);
  if (actual !== crc >>> 0) throw new Error(`CRC-32 is ${hex32(actual)}, the zip says ${hex32(crc)}`);
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** Inflates a whole entry in one synchronous call (what `inflateRaw` does without Node's zlib). */
export function inflateJs(compressed: Uint8Array, expectedSize: number, maxBytes: number, into?: Uint8Array): Uint8Array {
  // One call into a buffer of the declared size plus one byte: a full buffer means the entry inflates
  // to more than it declared; only then is it inflated again, streaming, to tell a bomb (over the
  // cap) from a merely wrong header.
  const out = into && into.length > expectedSize ? into.subarray(0, expectedSize + 1) : new Uint8Array(expectedSize + 1);
  const result = inflateRawInto(compressed, out);
  if (result.error !== null) throw new Error(result.error);
  if (result.written > expectedSize) return inflateJsStreaming(compressed, expectedSize, maxBytes);
  if (!result.ended) throw new Error('unexpected end of data');
  return out.subarray(0, result.written);
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

/**
 * The first `want` bytes a raw-deflate stream inflates to, from as much of its start as was read:
 * enough for a DICOM header without inflating (or even reading) the pixel data. Fewer bytes come
 * back when the compressed prefix ends first, or when the data is corrupt (the whole entry, read
 * later, reports that). zlib stops as soon as `want` bytes are out: ~0.1-0.3 ms an entry in a
 * browser worker on 3Dircadb1.17, where fflate's streaming inflate took ~5 ms (see zlibInflate.ts).
 */
export function inflatePrefix(compressedPrefix: Uint8Array, want: number): Uint8Array {
  const out = new Uint8Array(want);
  return out.subarray(0, inflateRawInto(compressedPrefix, out).written);
}
