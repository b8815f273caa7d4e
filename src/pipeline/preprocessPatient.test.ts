// preprocessPatient sequences the steps and reports bad input as values with a clear reason.
import { describe, expect, it } from 'vitest';
import type { PixelArray } from '../common/types';
import { binarise } from './binarise';
import { concatSliceRuns, foregroundRuns, paintRuns, paintRunsWindow } from '../common/maskRuns';
import { clahe } from './clahe';
import { toHounsfield } from './hounsfield';
import { keepRange } from './keepRange';
import { liverRange, sliceHasAny } from './liverRange';
import { DEFAULT_PIPELINE_PARAMS } from './params';
import { claheSlice, preprocessPatient, windowSlice, type CtSliceInput } from './preprocessPatient';
import { applyWindow } from './window';

const W = 32;
const H = 24;

/** A synthetic series: CT slices with a bright disc, liver mask (255) on slices [from, to]. */
function series(count: number, from: number, to: number) {
  const ct: CtSliceInput[] = [];
  const masks: PixelArray[] = [];
  for (let k = 0; k < count; k++) {
    const pixels = new Int16Array(W * H);
    const mask = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = (x - 16) ** 2 + (y - 12) ** 2 < 60;
        pixels[y * W + x] = inside ? 60 + ((x * 7 + y * 3 + k) % 50) : -1024 + ((x + y + k) % 40);
        if (inside && k >= from && k <= to) mask[y * W + x] = 255;
      }
    }
    ct.push({ pixels, rescaleSlope: 1, rescaleIntercept: 0 });
    masks.push(mask);
  }
  return { patient: 'synthetic', width: W, height: H, ct, masks };
}

function problemOf(result: ReturnType<typeof preprocessPatient>): string {
  if (result.ok) throw new Error('expected a problem');
  expect(result.problem.file).toBe('synthetic');
  expect(result.problem.severity).toBe('error');
  return result.problem.message;
}

describe('preprocessPatient', () => {
  it('keeps start+5 .. end−6 and produces CLAHE images and 0/1 masks of those slices', () => {
    const input = series(30, 4, 25);
    const result = preprocessPatient(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const p = result.value;
    expect([p.start, p.end, p.keptFrom, p.keptTo, p.kept]).toEqual([4, 25, 9, 19, 11]);
    expect([p.width, p.height, p.images.length, p.masks.length]).toEqual([W, H, 11 * W * H, 11 * W * H]);
    for (let i = 0; i < p.kept; i++) {
      const k = p.keptFrom + i;
      // the steps written out one by one, as the reference does
      const hu = toHounsfield(input.ct[k].pixels, 1, 0);
      const expectedImage = clahe(applyWindow(hu, { windowWidth: 500, windowCenter: 150 }), W, H, { clipLimit: 2, tilesX: 8, tilesY: 8 });
      expect(Array.from(p.images.subarray(i * W * H, (i + 1) * W * H))).toEqual(Array.from(expectedImage));
      expect(Array.from(p.masks.subarray(i * W * H, (i + 1) * W * H))).toEqual(Array.from(binarise(input.masks[k])));
    }
    expect(new Set(p.masks)).toEqual(new Set([0, 1]));
  });

  it('uses the given settings (margin, window, CLAHE)', () => {
    const input = series(30, 4, 25);
    const params = { ...DEFAULT_PIPELINE_PARAMS, margin: 0, windowWidth: 400, windowCenter: 40, claheClipLimit: 3, claheTilesX: 4, claheTilesY: 3 };
    const result = preprocessPatient(input, params);
    if (!result.ok) throw new Error(result.problem.message);
    expect([result.value.keptFrom, result.value.keptTo]).toEqual([4, 24]);
    const k = 4;
    const expected = claheSlice(windowSlice(input.ct[k], params), W, H, params);
    expect(Array.from(result.value.images.subarray(0, W * H))).toEqual(Array.from(expected));
  });

  it('says the liver mask is empty on every slice', () => {
    expect(problemOf(preprocessPatient(series(10, 99, 99)))).toBe('the liver mask is empty on every slice');
  });

  it('says how many mask slices there are for how many CT slices', () => {
    const input = series(20, 2, 18);
    input.masks.pop();
    expect(problemOf(preprocessPatient(input))).toMatch(/19 liver mask slices for 20 CT slices/);
  });

  it('names a mask of another size', () => {
    const input = series(20, 2, 18);
    input.masks[7] = new Uint8Array(16 * 16);
    expect(problemOf(preprocessPatient(input))).toMatch(/mask slice 7 has 256 pixels, expected 32×24 = 768/);
  });

  it('names a CT slice of another size', () => {
    const input = series(20, 2, 18);
    input.ct[3] = { pixels: new Int16Array(10), rescaleSlope: 1, rescaleIntercept: 0 };
    expect(problemOf(preprocessPatient(input))).toMatch(/CT slice 3 has 10 pixels/);
  });

  it('says the numbers when too few slices are left after the margins', () => {
    const message = problemOf(preprocessPatient(series(20, 5, 14)));
    expect(message).toMatch(/too few slices/);
    expect(message).toMatch(/spans slices 5\.\.14/);
    expect(message).toMatch(/keep 10\.\.8/);
  });

  it('keeps a single slice when the range allows exactly one', () => {
    const result = preprocessPatient(series(20, 5, 16));
    if (!result.ok) throw new Error(result.problem.message);
    expect([result.value.keptFrom, result.value.keptTo, result.value.kept]).toEqual([10, 10, 1]);
  });

  it('refuses unusable settings and no slices at all', () => {
    expect(problemOf(preprocessPatient(series(20, 2, 18), { ...DEFAULT_PIPELINE_PARAMS, windowWidth: 0 }))).toMatch(/window width/);
    expect(problemOf(preprocessPatient(series(20, 2, 18), { ...DEFAULT_PIPELINE_PARAMS, claheTilesX: 0 }))).toMatch(/claheTilesX/);
    expect(problemOf(preprocessPatient({ ...series(1, 0, 0), ct: [], masks: [] }))).toBe('no CT slices');
  });

  it('uses "patient" as the file when no name is given', () => {
    const { patient: _patient, ...input } = series(10, 99, 99);
    const result = preprocessPatient(input);
    expect(result.ok ? null : result.problem.file).toBe('patient');
  });
});

describe('the small steps', () => {
  it('liverRange finds the first and last non-empty slice', () => {
    const z = new Uint8Array(4);
    const nz = Uint8Array.from([0, 0, 255, 0]);
    expect(liverRange([z, nz, z, nz, z])).toEqual([1, 3]);
    expect(liverRange([z, z, nz])).toEqual([2, 2]);
    expect(liverRange([z, z])).toBeNull();
    expect(liverRange([])).toBeNull();
    expect(sliceHasAny(Int16Array.from([0, -1]))).toBe(true);
  });

  it('keepRange is Python [start+margin : end−margin] as an inclusive range', () => {
    expect(keepRange(1, 113)).toEqual({ from: 6, to: 107 });
    expect(keepRange(27, 124, 5, 129)).toEqual({ from: 32, to: 118 });
    expect(keepRange(0, 10, 0)).toEqual({ from: 0, to: 9 });
    expect(keepRange(5, 16)).toEqual({ from: 10, to: 10 }); // exactly one slice
    expect(keepRange(5, 15)).toBeNull();
    expect(keepRange(5, 14)).toBeNull();
    expect(keepRange(0, 3)).toBeNull(); // Python would wrap the negative stop; we keep nothing
  });

  it('foreground runs repaint exactly what binarise gives, at the edges and for empty or full masks', () => {
    const cases: PixelArray[] = [
      Int16Array.from([0, 1, 255, -3, 1000]),
      Uint8Array.from([255, 255, 0, 0, 7, 0, 255]),
      new Uint8Array(9),
      new Uint8Array(9).fill(255),
      Uint8Array.from({ length: 5000 }, (_, i) => ((i * 2654435761) >>> 28) & 1), // > 4096 runs' worth of scratch
    ];
    for (const mask of cases) {
      const runs = foregroundRuns(mask);
      expect(Array.from(paintRuns(runs, new Uint8Array(mask.length).fill(9)))).toEqual(Array.from(binarise(mask)));
    }
    expect(Array.from(foregroundRuns(Uint8Array.from([0, 255, 255, 0, 1])))).toEqual([1, 2, 4, 1]);
    expect(() => paintRuns(Uint32Array.from([3, 5]), new Uint8Array(4))).toThrow(RangeError);
  });

  it('a window of foreground runs over several slices paints those pixels only, runs cut at its edges', () => {
    const all = Uint8Array.from({ length: 3 * 64 }, (_, i) => (((i * 2654435761) >>> 27) & 3 ? 1 : 0));
    all.fill(1, 60, 70); // a run across the first slice boundary
    const runs = foregroundRuns(all);
    for (const [from, length] of [[0, 64], [64, 64], [128, 64], [0, 192], [61, 5], [69, 1], [70, 0], [191, 1]]) {
      const out = paintRunsWindow(runs, from, new Uint8Array(length).fill(9));
      expect(Array.from(out), `pixels ${from}..${from + length}`).toEqual(Array.from(all.subarray(from, from + length)));
    }
    expect(Array.from(paintRunsWindow(new Uint32Array(0), 10, new Uint8Array(3).fill(9)))).toEqual([0, 0, 0]);
  });

  it('per-slice runs laid end to end are the runs of the masks laid end to end (a run never crosses slices)', () => {
    const px = 64;
    const slices = [0, 1, 2, 3].map((k) => Uint8Array.from({ length: px }, (_, i) => (k === 2 ? 0 : ((i * (k + 3) * 2654435761) >>> 28) & 1)));
    slices[0].fill(1, 60); // ends on the slice's last pixel, the next slice starts with foreground
    slices[1][0] = 1;
    const perSlice = slices.map((m) => (m.some((v) => v) ? foregroundRuns(m) : null));
    const all = new Uint8Array(4 * px);
    slices.forEach((m, k) => all.set(m, k * px));
    const joined = concatSliceRuns(perSlice, px);
    expect(Array.from(paintRuns(joined, new Uint8Array(4 * px)))).toEqual(Array.from(all));
    expect(() => concatSliceRuns([Uint32Array.from([60, 5])], px)).toThrow(RangeError);
  });

  it('binarise maps > 0 to 1', () => {
    expect(Array.from(binarise(Int16Array.from([0, 1, 255, -3, 1000])))).toEqual([0, 1, 1, 0, 1]);
  });
});
