// Masks as runs of foreground pixels `[start, length, …]` in row-major order: the scan keeps them (a few
// KB a slice) so preprocessing need not read the mask files again, and the cache stores them instead of
// mask bytes. `paintRuns` gives back exactly `binarise` (> 0 → 1) of the mask the runs came from.
// Pure: typed arrays only; shared by discovery, the preprocessing jobs and storage.
import type { PixelArray } from './types';
import { pixelWords } from './pixelWords';

let runScratch = new Uint32Array(4096);

/** The pixels > 0 as runs `[start, length, …]` in row-major order (empty for an all-zero mask). */
export function foregroundRuns(mask: PixelArray): Uint32Array {
  // A zero word of the mask's bytes (pixelWords) is background throughout: skipped at once.
  const { words, first, end, pixelsPerWord } = pixelWords(mask);
  const shift = pixelsPerWord >>> 1; // log2 of 4, 2 or 1 pixels a word
  let n = 0;
  for (let i = 0; i < mask.length; ) {
    if (i >= first && i < end && ((i - first) & (pixelsPerWord - 1)) === 0 && words[(i - first) >>> shift] === 0) {
      i += pixelsPerWord;
      continue;
    }
    if (!(mask[i] > 0)) {
      i++;
      continue;
    }
    const start = i;
    while (i < mask.length && mask[i] > 0) i++;
    if (n + 2 > runScratch.length) {
      const grown = new Uint32Array(runScratch.length * 2);
      grown.set(runScratch);
      runScratch = grown;
    }
    runScratch[n++] = start;
    runScratch[n++] = i - start;
  }
  return runScratch.slice(0, n);
}

/** `binarise` of the mask `runs` came from (`foregroundRuns`), into `out` (its length is the pixel count). */
export function paintRuns(runs: Uint32Array, out: Uint8Array): Uint8Array {
  out.fill(0);
  for (let r = 0; r < runs.length; r += 2) {
    const start = runs[r];
    const end = start + runs[r + 1];
    if (end > out.length) throw new RangeError(`paintRuns: a run ends at pixel ${end}, the mask has ${out.length}`);
    out.fill(1, start, end);
  }
  return out;
}

/**
 * The pixels `from .. from + out.length` of the mask `runs` describe (runs sorted, as `foregroundRuns`
 * gives them, over a longer run of pixels: several slices), painted as 0/1 into `out`.
 */
export function paintRunsWindow(runs: Uint32Array, from: number, out: Uint8Array): Uint8Array {
  out.fill(0);
  const to = from + out.length;
  // The first run that may reach into the window: runs are sorted, so search by start.
  let lo = 0;
  let hi = runs.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[2 * mid] + runs[2 * mid + 1] <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let r = 2 * lo; r < runs.length; r += 2) {
    const start = runs[r];
    if (start >= to) break;
    out.fill(1, Math.max(start, from) - from, Math.min(start + runs[r + 1], to) - from);
  }
  return out;
}

/**
 * The foreground runs of consecutive slices of `px` pixels each (`null`: an empty mask) as runs over
 * all their pixels, slice after slice: what `foregroundRuns` gives for the masks laid end to end.
 */
export function concatSliceRuns(slices: readonly (Uint32Array | null)[], px: number): Uint32Array {
  let length = 0;
  for (const runs of slices) length += runs?.length ?? 0;
  const out = new Uint32Array(length);
  let at = 0;
  slices.forEach((runs, i) => {
    if (!runs) return;
    const shift = i * px;
    for (let r = 0; r < runs.length; r += 2) {
      if (runs[r] + runs[r + 1] > px) throw new RangeError(`concatSliceRuns: a run of slice ${i} ends at pixel ${runs[r] + runs[r + 1]}, a slice has ${px}`);
      out[at++] = runs[r] + shift;
      out[at++] = runs[r + 1];
    }
  });
  return out;
}
