// Volume Dice of two binary volumes (any non-zero voxel is foreground): the headline number of
// every liver-segmentation paper. Pure: typed arrays in, one number out; no DOM, runs anywhere.
// Never returns 1 for two empty volumes: that is `null` ("nothing to agree on"), like the viewer's
// per-slice stats, so a liver-free volume never flatters a model.
import { overlapCounts } from './overlapCounts';

/** 2|A∩B| / (|A|+|B|), or null when both are empty. */
export function diceCoefficient(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const { a: na, b: nb, both } = overlapCounts(a, b);
  return na + nb === 0 ? null : (2 * both) / (na + nb);
}
