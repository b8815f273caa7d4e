// liverRange: which slices of a mask series contain the organ — the first and last slice index
// with any non-zero pixel, as the reference `liver_range` (np.any over each slice).
// Pure: no DOM, no IndexedDB, no workers. Never looks at pixel values beyond "zero or not".
import type { PixelArray } from '../common/types';

/** True when any pixel of the mask slice is non-zero. */
export function sliceHasAny(mask: PixelArray): boolean {
  for (let i = 0, n = mask.length; i < n; i++) if (mask[i] !== 0) return true;
  return false;
}

/** [first, last] index (0-based, in the order given) of a slice with a non-zero pixel, or null when none has one. */
export function liverRange(masks: ArrayLike<PixelArray>): [number, number] | null {
  let first = -1;
  for (let k = 0; k < masks.length; k++) {
    if (sliceHasAny(masks[k])) {
      first = k;
      break;
    }
  }
  if (first < 0) return null;
  let last = first;
  for (let k = masks.length - 1; k > first; k--) {
    if (sliceHasAny(masks[k])) {
      last = k;
      break;
    }
  }
  return [first, last];
}
