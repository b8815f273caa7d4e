// zlib itself, compiled to WebAssembly, for raw-deflate zip entries: the build zip.js ships
// (`@zip.js/zip.js/dist/zip-module.wasm`, its zlib-streams module; no imports, 55 KB). Measured on the
// 119 CT entries of 3Dircadb1.17 in Node: 1.5 ms an entry against 3.3 ms for zlib's JS port (pako)
// once warm and 5.6 ms cold — and a browser worker is mostly cold: pako's inflate costs each worker
// ~0.37 s of JIT compilation, the WASM module a few ms of Liftoff. Same algorithm, so the same bytes,
// the same early stop when the output is full, the same errors.
// Used through zip-module's C API (inflate_new / inflate_init_raw / inflate_process / inflate_end /
// inflate_last_consumed, malloc / free), not its streams: one synchronous call into a buffer of the
// caller's size, no stream set-up. Pure: the caller fetches and instantiates the module
// (archive/zlibWasmBrowser.ts in the browser, node/zlibWasmNode.ts in Node).

export interface ZlibResult {
  /** Bytes written to `out` (from its start). */
  written: number;
  /** The deflate stream's last block was reached. */
  ended: boolean;
  /** zlib's message for corrupt data, else null. */
  error: string | null;
}

export interface ZlibWasmExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  inflate_new(): number;
  inflate_init_raw(handle: number): number;
  inflate_init_gzip(handle: number): number;
  /** Returns (zlib status & 0xff) << 24 | bytes produced (24 bits). Copies the input before inflating. */
  inflate_process(handle: number, inPtr: number, inLen: number, outPtr: number, outLen: number, flush: number): number;
  inflate_last_consumed(handle: number): number;
  inflate_end(handle: number): number;
  _initialize?: () => void;
}

const Z_STREAM_END = 1;
const Z_BUF_ERROR = -5;
const ZLIB_ERRORS: Record<number, string> = {
  [-2]: 'zlib stream error',
  [-3]: 'invalid deflate data',
  [-4]: 'zlib out of memory',
};
// The module's memory is fixed at 16 MiB (no growth): input and output pass through it in slices.
/** Compressed bytes per inflate_process call (it copies them once more inside). */
const CALL_IN_BYTES = 1 << 20;
/** Output per inflate_process call (its produced count has 24 bits). */
const CALL_OUT_BYTES = 4 << 20;

let zlib: ZlibWasmExports | null = null;
/** Input and output staging areas in the module's memory, grown as needed and kept. */
const scratch = { inPtr: 0, inSize: 0, outPtr: 0, outSize: 0 };

/** Installs an instantiated zip-module (null uninstalls: inflation falls back to JS). */
export function installZlibWasm(exports: ZlibWasmExports | null): void {
  if (exports && (typeof exports.inflate_process !== 'function' || typeof exports.malloc !== 'function' || !(exports.memory instanceof WebAssembly.Memory))) {
    throw new Error('zlib WASM module: not the zip.js zlib-streams module (inflate_process, malloc or memory missing)');
  }
  if (exports && exports !== zlib) exports._initialize?.();
  zlib = exports;
  scratch.inPtr = scratch.inSize = scratch.outPtr = scratch.outSize = 0;
}

export function zlibWasmInstalled(): boolean {
  return zlib !== null;
}

function reserve(z: ZlibWasmExports, which: 'in' | 'out', size: number): number {
  const ptrKey = which === 'in' ? 'inPtr' : 'outPtr';
  const sizeKey = which === 'in' ? 'inSize' : 'outSize';
  if (scratch[sizeKey] >= size) return scratch[ptrKey];
  if (scratch[ptrKey]) z.free(scratch[ptrKey]);
  const ptr = z.malloc(size);
  if (!ptr) throw new Error(`zlib WASM: cannot allocate ${size} bytes`);
  scratch[ptrKey] = ptr;
  scratch[sizeKey] = size;
  return ptr;
}

/** A gzip member header with no name, time or extra field: what zlib's gzip mode needs before the deflate data. */
const GZIP_HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * Inflates `compressed` (a whole raw-deflate stream or its start) into `out` until the stream ends,
 * the input runs out or `out` is full; null when no module is installed.
 */
export function inflateRawIntoWasm(compressed: Uint8Array, out: Uint8Array): ZlibResult | null {
  return zlib ? inflateParts(zlib, [compressed], out, false) : null;
}

/**
 * Inflates a whole zip entry into `out` (at least `size` + 1 bytes) and checks it against the zip's
 * CRC-32 and size, all in zlib: the stream is fed to it as a gzip member — a 10-byte header before,
 * the CRC-32 and size after — so zlib checks the bytes as it inflates them (its CRC-32, in WASM, costs
 * a third of ours in JS). True when `out` starts with exactly the `size` bytes the zip describes;
 * false for anything else (no module, corrupt data, a CRC or size mismatch): the caller then inflates
 * raw and reports what is wrong itself.
 */
export function inflateCheckedIntoWasm(compressed: Uint8Array, out: Uint8Array, crc: number, size: number): boolean {
  if (!zlib || out.length <= size) return false;
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, size >>> 0, true);
  const result = inflateParts(zlib, [GZIP_HEADER, compressed, trailer], out, true);
  return result.ended && result.error === null && result.written === size;
}

/** Copies `length` bytes of the concatenated `parts`, from `from` on, into the module's memory at `ptr`. */
function stageInput(z: ZlibWasmExports, parts: Uint8Array[], from: number, length: number, ptr: number): void {
  const heap = new Uint8Array(z.memory.buffer, ptr, length);
  let at = 0;
  let partStart = 0;
  for (const part of parts) {
    const partEnd = partStart + part.length;
    if (at < length && from + at < partEnd) {
      const begin = from + at - partStart;
      const take = Math.min(part.length - begin, length - at);
      heap.set(part.subarray(begin, begin + take), at);
      at += take;
    }
    partStart = partEnd;
  }
}

function inflateParts(z: ZlibWasmExports, parts: Uint8Array[], out: Uint8Array, gzip: boolean): ZlibResult {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const inPtr = reserve(z, 'in', Math.max(Math.min(total, CALL_IN_BYTES), 1));
  const outPtr = reserve(z, 'out', Math.max(Math.min(out.length, CALL_OUT_BYTES), 1));
  const handle = z.inflate_new();
  if (!handle) throw new Error('zlib WASM: cannot allocate a stream');
  try {
    const init = gzip ? z.inflate_init_gzip(handle) : z.inflate_init_raw(handle);
    if (init !== 0) throw new Error(`zlib WASM: inflateInit failed (${init})`);
    let consumed = 0;
    let written = 0;
    for (;;) {
      const give = Math.min(total - consumed, CALL_IN_BYTES);
      const room = Math.min(out.length - written, CALL_OUT_BYTES);
      stageInput(z, parts, consumed, give, inPtr);
      const packed = z.inflate_process(handle, inPtr, give, outPtr, room, 0);
      const status = packed >> 24; // the status byte, sign-extended
      const produced = packed & 0xffffff;
      const used = z.inflate_last_consumed(handle);
      if (produced) out.set(new Uint8Array(z.memory.buffer, outPtr, produced), written);
      written += produced;
      consumed += used;
      if (status === Z_STREAM_END) return { written, ended: true, error: null };
      if (status < 0 && status !== Z_BUF_ERROR) return { written, ended: false, error: ZLIB_ERRORS[status] ?? `zlib error ${status}` };
      // Output full, input used up (and this call's output not full: zlib may hold more), or no
      // progress possible: stop, as zlib's JS port does.
      if (written === out.length || (consumed === total && produced < room) || (produced === 0 && used === 0)) return { written, ended: false, error: null };
    }
  } finally {
    z.inflate_end(handle);
  }
}
