// Per-slice agreement between two 0/1 volumes (ground truth and prediction): areas, Dice, IoU.
// Feeds the slice strip and the readouts. Pure: no DOM, no Cornerstone; typed arrays in, one
// small record per slice out (never one object per pixel).
//
// Convention: on a slice where both masks are empty, Dice and IoU are `null` ("nothing to agree
// on"), not 1: a perfect score there would flatter a model on the many liver-free slices.

export interface SliceStats {
  /** Foreground pixels in the truth mask. */
  truthArea: number;
  /** Foreground pixels in the prediction (0 when there is none). */
  predictionArea: number;
  /** Pixels in both. */
  intersection: number;
  /** 2|A∩B| / (|A|+|B|), or null when both are empty. */
  dice: number | null;
  /** |A∩B| / |A∪B|, or null when both are empty. */
  iou: number | null;
}

/** Stats for every slice of `slices` slices of `sliceSize` pixels; `prediction` may be absent. */
export function sliceStats(truth: Uint8Array | undefined, prediction: Uint8Array | undefined, sliceSize: number, slices: number): SliceStats[] {
  const expected = sliceSize * slices;
  for (const [name, mask] of [['truth', truth], ['prediction', prediction]] as const) {
    if (mask && mask.length !== expected) throw new RangeError(`sliceStats: ${name} has ${mask.length} values, expected ${expected}`);
  }
  const out: SliceStats[] = new Array(slices);
  for (let s = 0; s < slices; s++) {
    let a = 0;
    let b = 0;
    let both = 0;
    const from = s * sliceSize;
    const to = from + sliceSize;
    for (let i = from; i < to; i++) {
      const t = truth ? truth[i] !== 0 : false;
      const p = prediction ? prediction[i] !== 0 : false;
      if (t) a++;
      if (p) b++;
      if (t && p) both++;
    }
    const sum = a + b;
    const union = sum - both;
    out[s] = {
      truthArea: a,
      predictionArea: b,
      intersection: both,
      dice: sum === 0 ? null : (2 * both) / sum,
      iou: union === 0 ? null : both / union,
    };
  }
  return out;
}

/** Dice of the whole volume (all slices pooled), or null when both volumes are empty. */
export function volumeDice(stats: readonly SliceStats[]): number | null {
  let both = 0;
  let sum = 0;
  for (const s of stats) {
    both += s.intersection;
    sum += s.truthArea + s.predictionArea;
  }
  return sum === 0 ? null : (2 * both) / sum;
}
