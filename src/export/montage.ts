// A montage of chosen slices with overlays, as RGBA pixels (then encodePng): the grey slice, the
// ground truth's outline in green and the prediction filled in translucent orange, tiles in a grid
// with the slice's number kept in `tiles`. Pure: typed arrays in and out, no canvas, no DOM.

export interface MontageInput {
  width: number;
  height: number;
  /** slices × height × width, uint8 grey (processed slices) or any numbers mapped by `window`. */
  pixels: ArrayLike<number>;
  prediction: Uint8Array;
  truth?: Uint8Array | null;
  /** Grey levels: [low, high] mapped to 0..255 (default 0..255). */
  window?: [number, number];
}

export interface Montage {
  width: number;
  height: number;
  rgba: Uint8Array;
  /** Slice index shown in each tile, row by row. */
  tiles: number[];
}

const PREDICTION = [255, 120, 0];
const TRUTH = [0, 220, 90];

/** Up to `count` slices evenly spread over those where truth or prediction is non-empty (else the whole stack). */
export function chooseMontageSlices(prediction: Uint8Array, truth: Uint8Array | null | undefined, sliceSize: number, count = 6): number[] {
  const slices = prediction.length / sliceSize;
  const lit: number[] = [];
  for (let s = 0; s < slices; s++) {
    const from = s * sliceSize;
    let any = false;
    for (let i = from; i < from + sliceSize && !any; i++) any = prediction[i] !== 0 || (truth ? truth[i] !== 0 : false);
    if (any) lit.push(s);
  }
  const pool = lit.length > 0 ? lit : Array.from({ length: slices }, (_, s) => s);
  if (pool.length <= count) return pool;
  return Array.from({ length: count }, (_, k) => pool[Math.round(((k + 0.5) * pool.length) / count - 0.5)]);
}

export function renderMontage(input: MontageInput, slices: number[], columns = 3): Montage {
  const { width: w, height: h, pixels, prediction, truth } = input;
  const [lo, hi] = input.window ?? [0, 255];
  const cols = Math.min(columns, Math.max(1, slices.length));
  const rows = Math.ceil(slices.length / cols);
  const W = cols * w;
  const H = rows * h;
  const rgba = new Uint8Array(W * H * 4);
  const px = w * h;
  slices.forEach((s, t) => {
    const ox = (t % cols) * w;
    const oy = Math.floor(t / cols) * h;
    const base = s * px;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = base + y * w + x;
        const grey = Math.max(0, Math.min(255, ((pixels[i] - lo) * 255) / (hi - lo || 1)));
        let r = grey;
        let g = grey;
        let b = grey;
        if (prediction[i]) {
          r = 0.55 * r + 0.45 * PREDICTION[0];
          g = 0.55 * g + 0.45 * PREDICTION[1];
          b = 0.55 * b + 0.45 * PREDICTION[2];
        }
        if (truth && truth[i] && isEdge(truth, base, x, y, w, h)) [r, g, b] = TRUTH;
        const o = ((oy + y) * W + ox + x) * 4;
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
        rgba[o + 3] = 255;
      }
  });
  return { width: W, height: H, rgba, tiles: slices };
}

function isEdge(mask: Uint8Array, base: number, x: number, y: number, w: number, h: number): boolean {
  if (x === 0 || y === 0 || x === w - 1 || y === h - 1) return true;
  const i = base + y * w + x;
  return !mask[i - 1] || !mask[i + 1] || !mask[i - w] || !mask[i + w];
}
