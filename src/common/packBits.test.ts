import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packBits, packBitsBound, unpackBits } from './packBits';

const REFERENCE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/reference');

const pack = (src: Uint8Array): Uint8Array => {
  const out = new Uint8Array(packBitsBound(src.length));
  return out.slice(0, packBits(src, 0, src.length, out, 0));
};
const unpack = (packed: Uint8Array, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  expect(unpackBits(packed, 0, packed.length, out)).toBe(size);
  return out;
};
const repeat = (value: number, n: number) => new Uint8Array(n).fill(value);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('PackBits', () => {
  it('packs as TIFF and DICOM RLE do: runs of three or more repeat, the rest are literals', () => {
    expect([...pack(Uint8Array.of(7, 7, 7, 7))]).toEqual([253, 7]); // −3: four 7s
    expect([...pack(Uint8Array.of(1, 2, 2, 3))]).toEqual([3, 1, 2, 2, 3]); // two equal bytes stay literal
    expect([...pack(Uint8Array.of(1, 2, 5, 5, 5))]).toEqual([1, 1, 2, 254, 5]);
    expect([...pack(Uint8Array.of(9))]).toEqual([0, 9]);
    expect([...pack(new Uint8Array(0))]).toEqual([]);
    // At most 128 per header, either kind.
    expect([...pack(repeat(4, 300))]).toEqual([129, 4, 129, 4, 213, 4]);
    const ramp = Uint8Array.from({ length: 200 }, (_, i) => i);
    expect([...pack(ramp)]).toEqual([127, ...ramp.subarray(0, 128), 71, ...ramp.subarray(128)]);
  });

  it('round-trips edge lengths and mixed content, never past its bound', () => {
    let seed = 1;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const cases = [
      repeat(0, 1), repeat(0, 2), repeat(0, 3), repeat(0, 127), repeat(0, 128), repeat(0, 129), repeat(0, 257),
      Uint8Array.from({ length: 1000 }, random),
      Uint8Array.from({ length: 5000 }, () => (random() < 40 ? random() : 3)),
      concat(repeat(1, 2), Uint8Array.of(2, 2), repeat(3, 130), Uint8Array.of(4, 5), repeat(6, 3), Uint8Array.of(6)),
    ];
    for (const src of cases) {
      const packed = pack(src);
      expect(packed.length).toBeLessThanOrEqual(packBitsBound(src.length));
      expect(unpack(packed, src.length)).toEqual(src);
    }
  });

  it('packs a CLAHE-processed CT slice of 3Dircadb1.17 to under half, and back', () => {
    const images = new Uint8Array(gunzipSync(readFileSync(resolve(REFERENCE, 'pipeline/3Dircadb1.17.images.u8.gz'))));
    const px = 512 * 512;
    let packedTotal = 0;
    for (let s = 0; s < images.length / px; s += 10) {
      const slice = images.subarray(s * px, (s + 1) * px);
      const packed = pack(slice);
      packedTotal += packed.length;
      expect(Buffer.from(unpack(packed, px)).equals(slice), `slice ${s}`).toBe(true);
    }
    expect(packedTotal / (Math.ceil(images.length / px / 10) * px)).toBeLessThan(0.5);
  });

  it('decodes what other encoders may write: the −128 no-op, and stops at a short buffer or data', () => {
    const out = new Uint8Array(4);
    expect(unpackBits(Uint8Array.of(128, 254, 9, 128, 0, 1), 0, 6, out)).toBe(4);
    expect([...out]).toEqual([9, 9, 9, 1]);
    const small = new Uint8Array(2);
    expect(unpackBits(Uint8Array.of(253, 5), 0, 2, small)).toBe(2); // four 5s into room for two
    expect(unpackBits(Uint8Array.of(2, 1), 0, 2, new Uint8Array(8))).toBe(1); // literal cut short
    expect(unpackBits(Uint8Array.of(253), 0, 1, new Uint8Array(8))).toBe(0); // repeat without its byte
  });
});
