// The HDF5 export's conversion gives exactly the reference's floats: byte / 255 as float32 and
// masks > 0 → 1, whatever the bytes, their length and where the views start in their buffers.
import { describe, expect, it } from 'vitest';
import { toBinaryFloats, toUnitFloats } from './trainingFloats';

function randomBytes(n: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24);
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

describe('training floats for the HDF5 export', () => {
  it('gives every pair of bytes as dividing each by 255', () => {
    const bytes = new Uint8Array(2 * 65536);
    for (let v = 0; v < 65536; v++) {
      bytes[2 * v] = v & 0xff;
      bytes[2 * v + 1] = v >>> 8;
    }
    const out = new Float32Array(bytes.length);
    toUnitFloats(bytes, out);
    expect(sameBits(out, Float32Array.from(bytes, (b) => b / 255))).toBe(true);
  });

  it('gives the same floats from views at any offset and of any length', () => {
    const buffer = randomBytes(4099, 7);
    const floats = new Float32Array(4200);
    for (const [start, length, outAt] of [[0, 4096, 0], [1, 4097, 0], [3, 13, 2], [4, 4095, 1], [2, 0, 0], [0, 3, 0]]) {
      const bytes = buffer.subarray(start, start + length);
      const out = floats.subarray(outAt, outAt + length);
      toUnitFloats(bytes, out);
      expect(sameBits(out, Float32Array.from(bytes, (b) => b / 255))).toBe(true);
      out.fill(7);
      toBinaryFloats(bytes.map((b) => (b < 200 ? 0 : b)), out);
      expect(sameBits(out, Float32Array.from(bytes, (b) => (b >= 200 ? 1 : 0)))).toBe(true);
    }
  });

  it('writes masks as 0 and 1 over whatever the output held', () => {
    const mask = new Uint8Array(64);
    mask.fill(255, 5, 9);
    mask[30] = 1;
    const out = new Float32Array(64).fill(0.5);
    toBinaryFloats(mask, out);
    expect([...out].map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0)).toEqual([5, 6, 7, 8, 30]);
    expect(out.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('refuses an output shorter than the input', () => {
    expect(() => toUnitFloats(new Uint8Array(8), new Float32Array(7))).toThrow(RangeError);
  });
});
