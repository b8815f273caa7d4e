// zlib's WASM build against Node's zlib and zlib's JS port, on real entries of 3Dircadb1.17's zips and
// on made-up streams: the same bytes, the same early stop when the output is full, the same verdict
// on truncated and corrupt data, and outputs past the 24-bit count of one inflate_process call.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntryData, readZipIndex, type ZipEntryInfo } from './zipIndex';
import { inflateRawIntoJs } from './zlibInflate';
import { inflateCheckedIntoWasm, inflateRawIntoWasm, installZlibWasm, zlibWasmInstalled } from './zlibWasm';
import { loadZlibWasmNode } from '../node/zlibWasmNode';
import { nodeCrc32, nodeInflateRaw } from '../node/nodeInflate';
import { crc32 } from '../common/crc32';
import { inflateEntry, inflateJs, inflatePrefix, setInflateRaw } from './inflate';

const ZIP = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/data/3Dircadb1.17/PATIENT_DICOM.zip');

async function someEntries(count: number): Promise<{ entry: ZipEntryInfo; data: Uint8Array }[]> {
  if (!existsSync(ZIP)) throw new Error(`shared test data missing: ${ZIP} (the shared/ folder must sit next to the repo clone)`);
  const file = readFileSync(ZIP);
  const read = (start: number, end: number) => Promise.resolve(new Uint8Array(file.buffer, file.byteOffset + start, end - start));
  const entries = (await readZipIndex(read, file.length)).filter((e) => e.method === 8);
  const step = Math.max(1, Math.floor(entries.length / count));
  const picked = entries.filter((_, i) => i % step === 0).slice(0, count);
  return Promise.all(picked.map(async (entry) => ({ entry, data: await readEntryData(read, file.length, entry) })));
}

/** Pseudo-random but compressible bytes (a CT-like mix of runs and noise). */
function madeUpBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (i >> 9) % 3 === 0 ? 0 : x >>> 28;
  }
  return out;
}

describe('zlib WASM inflate', () => {
  beforeAll(async () => {
    await loadZlibWasmNode();
  });
  afterAll(async () => {
    await loadZlibWasmNode(); // leave it installed, as the setup file does
  });

  it('inflates real CT entries of 3Dircadb1.17 to the bytes Node\'s zlib gives, and ends the stream', async () => {
    const entries = await someEntries(12);
    expect(entries.length).toBe(12);
    for (const { entry, data } of entries) {
      const out = new Uint8Array(entry.size + 1);
      const result = inflateRawIntoWasm(data, out);
      expect(result).toEqual({ written: entry.size, ended: true, error: null });
      expect(Buffer.from(out.subarray(0, entry.size)).equals(inflateRawSync(data))).toBe(true);
    }
  });

  it('stops when the output is full (a DICOM header from a whole entry or from its first compressed bytes)', async () => {
    const [{ entry, data }] = await someEntries(1);
    const whole = inflateRawSync(data);
    for (const input of [data, data.subarray(0, 2048)]) {
      const out = new Uint8Array(4096);
      const wasm = inflateRawIntoWasm(input, out)!;
      const js = inflateRawIntoJs(input, new Uint8Array(4096));
      expect(wasm.ended).toBe(false);
      expect(wasm.error).toBeNull();
      expect(wasm.written).toBe(js.written);
      expect(Buffer.from(out.subarray(0, wasm.written)).equals(whole.subarray(0, wasm.written))).toBe(true);
    }
    expect(inflatePrefix(data, 4096).length).toBe(4096);
    expect(entry.size).toBeGreaterThan(4096);
  });

  it('a stream cut short: what it holds, not ended, no error — as the JS port says', async () => {
    const [{ entry, data }] = await someEntries(1);
    const cut = data.subarray(0, Math.floor(data.length / 2));
    const wasm = inflateRawIntoWasm(cut, new Uint8Array(entry.size + 1))!;
    const js = inflateRawIntoJs(cut, new Uint8Array(entry.size + 1));
    expect(wasm).toEqual(js);
    expect(wasm.written).toBeGreaterThan(0);
    expect(wasm.ended).toBe(false);
    expect(() => inflateJs(cut, entry.size, 2 ** 30)).toThrow(/unexpected end of data/);
  });

  it('corrupt data is an error, as in the JS port', () => {
    const reserved = new Uint8Array([0x07, 0x00, 0x00, 0x00]); // final block of the reserved type 3
    const wasm = inflateRawIntoWasm(reserved, new Uint8Array(64))!;
    const js = inflateRawIntoJs(reserved, new Uint8Array(64));
    expect(wasm.error).toMatch(/invalid deflate data/);
    expect(js.error).not.toBeNull();
    expect(() => inflateJs(reserved, 10, 1000)).toThrow(/invalid deflate data/);
  });

  it('outputs larger than one call can count (24 bits) come out whole', () => {
    const plain = madeUpBytes(40 * 2 ** 20 + 123, 7);
    const compressed = deflateRawSync(plain, { level: 1 });
    const out = new Uint8Array(plain.length + 1);
    const result = inflateRawIntoWasm(compressed, out)!;
    expect(result).toEqual({ written: plain.length, ended: true, error: null });
    expect(Buffer.from(out.subarray(0, plain.length)).equals(Buffer.from(plain))).toBe(true);
  });

  it('empty input inflates to nothing, unended', () => {
    expect(inflateRawIntoWasm(new Uint8Array(0), new Uint8Array(16))).toEqual({ written: 0, ended: false, error: null });
  });

  it('falls back to the JS port when no module is installed, and refuses a module that is not zlib-streams', async () => {
    installZlibWasm(null);
    expect(zlibWasmInstalled()).toBe(false);
    expect(inflateRawIntoWasm(new Uint8Array(1), new Uint8Array(1))).toBeNull();
    const plain = madeUpBytes(70_000, 3);
    expect(Buffer.from(inflateJs(deflateRawSync(plain), plain.length, 2 ** 20)).equals(Buffer.from(plain))).toBe(true);
    const { instance } = await WebAssembly.instantiate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expect(() => installZlibWasm(instance.exports as never)).toThrow(/not the zip.js zlib-streams module/);
  });
});

describe('zip entries checked by zlib (gzip-wrapped) against their CRC-32 and size', () => {
  beforeAll(async () => {
    await loadZlibWasmNode();
  });

  it('real entries pass, inflated to the bytes Node gives', async () => {
    for (const { entry, data } of await someEntries(6)) {
      const out = new Uint8Array(entry.size + 1);
      expect(inflateCheckedIntoWasm(data, out, entry.crc, entry.size)).toBe(true);
      expect(Buffer.from(out.subarray(0, entry.size)).equals(inflateRawSync(data))).toBe(true);
      const bytes = await inflateEntry(data, entry.size, entry.crc, 2 ** 30);
      expect(bytes.length).toBe(entry.size);
    }
  });

  it('a wrong CRC-32 or size is not passed, and inflateEntry names what is wrong like the JS check does', async () => {
    const [{ entry, data }] = await someEntries(1);
    const out = new Uint8Array(entry.size + 1);
    expect(inflateCheckedIntoWasm(data, out, entry.crc ^ 1, entry.size)).toBe(false);
    expect(inflateCheckedIntoWasm(data, new Uint8Array(entry.size + 2), entry.crc, entry.size + 1)).toBe(false);
    const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');
    await expect(inflateEntry(data, entry.size, entry.crc ^ 1, 2 ** 30)).rejects.toThrow(`CRC-32 is ${hex(entry.crc)}, the zip says ${hex(entry.crc ^ 1)}`);
    await expect(inflateEntry(data, entry.size + 1, entry.crc, 2 ** 30)).rejects.toThrow(`inflated to ${entry.size} bytes, the zip says ${entry.size + 1}`);
    // A flipped byte inside the deflate data: either zlib's structure check or the CRC-32 names it.
    const flipped = data.slice();
    flipped[Math.floor(flipped.length / 2)] ^= 0x10;
    await expect(inflateEntry(flipped, entry.size, entry.crc, 2 ** 30)).rejects.toThrow(/CRC-32 is|inflated to|invalid deflate data|unexpected end/);
  });

  it("with Node's zlib installed as the CLI does, inflateEntry checks with zlib's CRC-32 and names a wrong one the same way", async () => {
    const [{ entry, data }] = await someEntries(1);
    const withWasm = await inflateEntry(data, entry.size, entry.crc, 2 ** 30);
    setInflateRaw(nodeInflateRaw, nodeCrc32);
    try {
      const withNode = await inflateEntry(data, entry.size, entry.crc, 2 ** 30);
      expect(Buffer.from(withNode).equals(Buffer.from(withWasm))).toBe(true);
      expect(nodeCrc32(withNode)).toBe(crc32(withNode));
      const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');
      await expect(inflateEntry(data, entry.size, entry.crc ^ 1, 2 ** 30)).rejects.toThrow(`CRC-32 is ${hex(entry.crc)}, the zip says ${hex(entry.crc ^ 1)}`);
    } finally {
      setInflateRaw(null);
    }
  });

  it('without the module, inflateEntry checks with the JS CRC-32 and gives the same bytes', async () => {
    const [{ entry, data }] = await someEntries(1);
    const withWasm = await inflateEntry(data, entry.size, entry.crc, 2 ** 30);
    installZlibWasm(null);
    try {
      const withJs = await inflateEntry(data, entry.size, entry.crc, 2 ** 30);
      expect(Buffer.from(withJs).equals(Buffer.from(withWasm))).toBe(true);
      await expect(inflateEntry(data, entry.size, entry.crc ^ 1, 2 ** 30)).rejects.toThrow(/CRC-32 is/);
    } finally {
      await loadZlibWasmNode();
    }
  });
});
