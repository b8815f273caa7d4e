// Intersection over union (Jaccard) of two binary volumes. Pure: typed arrays in, one number out.
// Two empty volumes give `null`, never 1 (see diceCoefficient).
import { overlapCounts } from './overlapCounts';

/** |A∩B| / |A∪B|, or null when both are empty. */
export function iou(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const { a: na, b: nb, both } = overlapCounts(a, b);
  const union = na + nb - both;
  return union === 0 ? null : both / union;
}
