// The cache's slice layout, written and read back (Blob and typed arrays: no IndexedDB needed).
import { describe, expect, it } from 'vitest';
import { foregroundRuns } from '../common/maskRuns';
import { readRunSlices, sliceRecords } from './sliceRecords';
import type { StoredSliceRun } from './schema';

const W = 64;
const H = 48;
const px = W * H;

/** Slices that look like CT after CLAHE: a constant background with a noisy ellipse, and a disc mask. */
function slices(count: number): { images: Uint8Array; masks: Uint8Array } {
  const images = new Uint8Array(count * px).fill(3);
  const masks = new Uint8Array(count * px);
  let seed = 5;
  for (let s = 0; s < count; s++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inBody = ((x - 32) / 28) ** 2 + ((y - 24) / 18) ** 2 < 1;
        if (inBody) images[s * px + y * W + x] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
        if ((x - 30) ** 2 + (y - 20) ** 2 < (4 + s) ** 2) masks[s * px + y * W + x] = 1;
      }
    }
  }
  return { images, masks };
}

describe('slice records', () => {
  const count = 7;
  const { images, masks } = slices(count);
  const maskRuns = Array.from({ length: count }, (_, s) => foregroundRuns(masks.subarray(s * px, (s + 1) * px)));

  it('packs the images, keeps what they take, and reads any range of slices back exactly', async () => {
    const { records, bytes } = sliceRecords('p', 10, px, images, maskRuns);
    expect(records).toHaveLength(1);
    const [run] = records;
    expect(run).toMatchObject({ patientKey: 'p', index: 10, count, pixels: px });
    expect(run.packedEnds).toHaveLength(count);
    const imageBytes = (run.image as Blob).size;
    expect(imageBytes).toBeLessThan(images.length * 0.75); // the background packs away
    expect(bytes).toBe(imageBytes + run.packedEnds!.byteLength + run.maskRuns!.byteLength);
    for (const [lo, hi] of [[0, count - 1], [0, 0], [3, 5], [count - 1, count - 1]]) {
      const got = await readRunSlices(run, lo, hi);
      expect(got.px).toBe(px);
      expect(Buffer.from(got.images).equals(images.subarray(lo * px, (hi + 1) * px)), `images ${lo}..${hi}`).toBe(true);
      expect(Buffer.from(got.masks).equals(masks.subarray(lo * px, (hi + 1) * px)), `masks ${lo}..${hi}`).toBe(true);
    }
  });

  it('splits many slices into runs of at most 16 MiB of images, and does not keep the caller\'s buffer', async () => {
    const big = 512 * 512;
    const many = new Uint8Array(70 * big).fill(3);
    const { records } = sliceRecords('q', 0, big, many, new Array(70).fill(null));
    expect(records.map((r) => [r.index, r.count])).toEqual([[0, 64], [64, 6]]);
    many.fill(200); // reused by the caller right away
    const back = await readRunSlices(records[1], 0, 5);
    expect(back.images.every((v) => v === 3)).toBe(true);
    expect(back.masks.every((v) => v === 0)).toBe(true);
  });

  it('reads older runs as written: raw image bytes (no packedEnds), masks as bytes', async () => {
    const old: StoredSliceRun = { patientKey: 'o', index: 0, count, image: new Blob([images as Uint8Array<ArrayBuffer>]), mask: new Blob([masks as Uint8Array<ArrayBuffer>]) };
    const got = await readRunSlices(old, 2, 4);
    expect(Buffer.from(got.images).equals(images.subarray(2 * px, 5 * px))).toBe(true);
    expect(Buffer.from(got.masks).equals(masks.subarray(2 * px, 5 * px))).toBe(true);
  });

  it('says the cache is damaged when a packed slice does not unpack to its size', async () => {
    const { records } = sliceRecords('0123456789abcdef', 0, px, images, maskRuns);
    const packed = new Uint8Array(await (records[0].image as Blob).arrayBuffer());
    const cut: StoredSliceRun = { ...records[0], image: new Blob([packed.subarray(0, packed.length - 40)]), packedEnds: records[0].packedEnds!.map((e, i) => (i === count - 1 ? e - 40 : e)) };
    await expect(readRunSlices(cut, 0, count - 1)).rejects.toThrow(/cached slice 6 of patient 0123456789ab unpacks to \d+ bytes, not 3072: the cache is damaged/);
  });
});
