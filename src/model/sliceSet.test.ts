import { describe, expect, it } from 'vitest';
import { buildSliceSet, buildSliceSetStreaming, slicesByPatient, type PatientSliceReader, type PatientVolumeLike } from './sliceSet';

function volume(name: string, width: number, height: number, kept: number, seed: number): PatientVolumeLike {
  const px = width * height;
  const images = new Uint8Array(kept * px);
  const masks = new Uint8Array(kept * px);
  for (let i = 0; i < images.length; i++) {
    images[i] = (i * 31 + seed * 17) % 256;
    masks[i] = (i + seed) % 7 < 3 ? 1 : 0;
  }
  return { name, width, height, kept, images, masks };
}

/** A reader over an in-memory volume that records the ranges asked for (and may answer in reverse). */
function reader(v: PatientVolumeLike, asked: [number, number][], reverse = false): PatientSliceReader {
  const px = v.width * v.height;
  return {
    name: v.name,
    width: v.width,
    height: v.height,
    kept: v.kept,
    async read(from, to) {
      asked.push([from, to]);
      const out = [];
      for (let i = from; i <= Math.min(to, v.kept - 1); i++) out.push({ index: i, image: v.images.slice(i * px, (i + 1) * px), mask: v.masks.slice(i * px, (i + 1) * px) });
      return reverse ? out.reverse() : out;
    },
  };
}

describe('buildSliceSetStreaming', () => {
  const volumes = [volume('a', 64, 64, 21, 1), volume('b', 48, 40, 5, 2), volume('c', 32, 32, 0, 3), volume('d', 32, 32, 16, 4)];

  it('builds the same set as buildSliceSet, resized, reading at most `chunk` slices at a time', async () => {
    const asked: [number, number][] = [];
    const streamed = await buildSliceSetStreaming(
      volumes.map((v, i) => reader(v, asked, i === 1)),
      32,
      8,
    );
    const whole = buildSliceSet(volumes, 32);
    expect(streamed.count).toBe(42);
    expect(streamed.patients).toEqual(['a', 'b', 'c', 'd']);
    expect(streamed.images).toEqual(whole.images);
    expect(streamed.masks).toEqual(whole.masks);
    expect(streamed.patientOf).toEqual(whole.patientOf);
    expect(slicesByPatient(streamed).map((s) => s.length)).toEqual([21, 5, 0, 16]);
    expect(asked).toEqual([
      [0, 7],
      [8, 15],
      [16, 20],
      [0, 4],
      [0, 7],
      [8, 15],
    ]);
  });

  it('fails when the cache holds fewer slices than the patient says', async () => {
    const v = volume('short', 16, 16, 10, 5);
    const r = reader(v, []);
    await expect(buildSliceSetStreaming([{ ...r, kept: 12 }], 16, 8)).rejects.toThrow(/short: 2 cached slices in 8–11, expected 4/);
  });
});
