// keepRange: which slices the training set keeps around the organ — the reference's Python slice
// `[start + margin : end − margin]`, i.e. inclusive indices start+margin .. end−margin−1.
// Pure: no DOM, no IndexedDB, no workers. Never reproduces Python's negative-index wrap: a stop
// below zero means "nothing kept" here, not "count from the end".

export interface KeptRange {
  /** First kept slice index (inclusive). */
  from: number;
  /** Last kept slice index (inclusive). */
  to: number;
}

/**
 * Inclusive kept range for an organ spanning slices `start..end` (inclusive), or null when it is
 * empty (`start + margin > end − margin − 1`). `count` (number of slices), when given, clamps the
 * upper end like Python's slice does.
 */
export function keepRange(start: number, end: number, margin = 5, count?: number): KeptRange | null {
  if (!Number.isInteger(start) || !Number.isInteger(end) || !Number.isInteger(margin) || margin < 0) {
    throw new RangeError(`keepRange: start, end and margin must be integers, margin ≥ 0 (got ${start}, ${end}, ${margin})`);
  }
  const from = start + margin;
  let to = end - margin - 1;
  if (count !== undefined) to = Math.min(to, count - 1);
  if (from < 0 || to < 0 || from > to) return null;
  return { from, to };
}
