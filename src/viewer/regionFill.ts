// The two click tools Cornerstone's brushes do not cover as we need them, on one slice: fill the
// inside of a closed contour of the label (refused when the clicked region reaches the image's edge:
// the contour is not closed), and grow a region from a click over the 4-connected pixels whose value
// lies in a range (HU for HU images, grey levels for cached ones). Both give the pixels to set, so the
// caller can record them for undo. Pure: typed arrays only.

/** Pixel indices (row-major) of the 4-connected region from `seed` where `inside(i)` holds; `touchesEdge` when it reaches the border. */
function flood(width: number, height: number, seed: number, inside: (i: number) => boolean): { pixels: Uint32Array; touchesEdge: boolean } {
  const seen = new Uint8Array(width * height);
  const stack = [seed];
  const out: number[] = [];
  let touchesEdge = false;
  seen[seed] = 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    out.push(i);
    const x = i % width;
    const y = (i - x) / width;
    if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesEdge = true;
    const visit = (j: number) => {
      if (!seen[j] && inside(j)) {
        seen[j] = 1;
        stack.push(j);
      }
    };
    if (x > 0) visit(i - 1);
    if (x < width - 1) visit(i + 1);
    if (y > 0) visit(i - width);
    if (y < height - 1) visit(i + width);
  }
  return { pixels: Uint32Array.from(out), touchesEdge };
}

/** The empty pixels enclosed by the label around (column, row), or null when the click is on the label or the region is open to the edge. */
export function closedRegionAt(label: Uint8Array, width: number, height: number, column: number, row: number): Uint32Array | null {
  const seed = row * width + column;
  if (label[seed] !== 0) return null;
  const { pixels, touchesEdge } = flood(width, height, seed, (i) => label[i] === 0);
  return touchesEdge ? null : pixels;
}

/** The 4-connected pixels from (column, row) whose value is within [low, high]; empty when the clicked pixel is not. */
export function grownRegionAt(values: ArrayLike<number>, width: number, height: number, column: number, row: number, [low, high]: readonly [number, number]): Uint32Array {
  const seed = row * width + column;
  const ok = (i: number) => values[i] >= low && values[i] <= high;
  if (!ok(seed)) return new Uint32Array(0);
  return flood(width, height, seed, ok).pixels;
}
