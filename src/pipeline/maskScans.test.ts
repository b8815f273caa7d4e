// The mask scans that skip background a word at a time find exactly what looking at every pixel
// finds: the same foreground runs and the same binarised mask, for 8- and 16-bit, signed and
// unsigned masks, views that start anywhere in their buffer and lengths that are no whole word.
import { describe, expect, it } from 'vitest';
import { foregroundRuns } from '../common/maskRuns';
import { binarise } from './binarise';
import type { PixelArray } from '../common/types';

function naiveRuns(mask: PixelArray): number[] {
  const runs: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!(mask[i] > 0)) continue;
    const start = i;
    while (i < mask.length && mask[i] > 0) i++;
    runs.push(start, i - start);
  }
  return runs;
}

/** A mask with blobs of foreground, a few odd and negative values, in a buffer with room before it. */
function sparseMask<T extends PixelArray>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, length: number, offset: number, seed: number): T {
  const mask = make(new ArrayBuffer(offset + length * 2 + 8), offset, length);
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16;
  for (let blob = 0; blob < 6; blob++) {
    const start = next() % length;
    const value = [1, 255, 7, -3][next() % 4];
    mask.fill(value, start, Math.min(length, start + (next() % 40)));
  }
  return mask;
}

describe('mask scans a word at a time', () => {
  const kinds: [string, (b: ArrayBuffer, o: number, n: number) => PixelArray][] = [
    ['uint8', (b, o, n) => new Uint8Array(b, o, n)],
    ['int8', (b, o, n) => new Int8Array(b, o, n)],
    ['uint16', (b, o, n) => new Uint16Array(b, 2 * o, n)],
    ['int16', (b, o, n) => new Int16Array(b, 2 * o, n)],
  ];
  for (const [kind, make] of kinds) {
    it(`finds every pixel above zero in ${kind} masks at any offset and length`, () => {
      for (const [length, offset] of [[4096, 0], [4093, 1], [1001, 2], [3, 3], [0, 0], [777, 4]]) {
        for (const seed of [1, 2, 3]) {
          const mask = sparseMask(make, length, offset, seed);
          expect([...foregroundRuns(mask)]).toEqual(naiveRuns(mask));
          const bin = binarise(mask, new Uint8Array(length).fill(9));
          expect([...bin]).toEqual(Array.from(mask, (v) => (v > 0 ? 1 : 0)));
        }
      }
    });
  }
});
