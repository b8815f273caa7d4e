// binarise: a mask slice as 0/1 bytes (> 0 → 1), the reference `(masks > 0).astype(np.uint8)` (the same
// mask as runs of foreground pixels is common/maskRuns.ts). Pure: no DOM, no IndexedDB, no workers.
// Never thresholds anywhere but at zero.
import type { PixelArray } from '../common/types';
import { pixelWords } from '../common/pixelWords';

export function binarise(mask: PixelArray, out?: Uint8Array): Uint8Array {
  const n = mask.length;
  if (out !== undefined && out.length !== n) {
    throw new RangeError(`binarise: out has ${out.length} values, the mask has ${n}`);
  }
  const bin = out ?? new Uint8Array(n);
  if (out) bin.fill(0);
  // Only the pixels of a non-zero word of the mask's bytes (pixelWords) can be foreground.
  const { words, first, end, pixelsPerWord } = pixelWords(mask);
  for (let i = 0; i < first; i++) bin[i] = mask[i] > 0 ? 1 : 0;
  for (let w = 0; w < words.length; w++) {
    if (words[w] === 0) continue;
    for (let i = first + w * pixelsPerWord, to = i + pixelsPerWord; i < to; i++) bin[i] = mask[i] > 0 ? 1 : 0;
  }
  for (let i = end; i < n; i++) bin[i] = mask[i] > 0 ? 1 : 0;
  return bin;
}
