// clahe: Contrast Limited Adaptive Histogram Equalisation on one 8-bit slice, bit-identical to
// OpenCV 4.6 `cv2.createCLAHE(clipLimit, (tilesX, tilesY)).apply(img)` (the reference pipeline's
// step). Hand-written because no JavaScript library we keep reproduces OpenCV's CLAHE bit for bit:
// the exactness rests on OpenCV's padding quirk (BORDER_REFLECT_101 at right/bottom, both axes
// once either needs it), its single-pass clip redistribution, float32 arithmetic without FMA and
// cvRound's ties-to-even. The algorithm is written out in shared/reference/clahe/README.md.
// The per-pixel interpolation runs in double precision and falls back to float32 near ties (see TIE_GUARD),
// or, once a caller installs it, in the WASM kernel (kernels/clahe.as.ts) in float32 throughout.
// Pure: no DOM, no IndexedDB, no workers; no per-pixel allocation. Never "improve" the maths
// (double precision or Math.round change hundreds of pixels per slice).

export interface ClaheSettings {
  /** OpenCV clipLimit; ≤ 0 disables clipping. Reference: 2.0. */
  clipLimit?: number;
  /** Tiles across the columns (OpenCV tileGridSize.width). Reference: 8. */
  tilesX?: number;
  /** Tiles down the rows (OpenCV tileGridSize.height). Reference: 8. */
  tilesY?: number;
}

const fround = Math.fround;
/** Adding then subtracting 1.5·2^52 rounds a double to an integer with ties to even (cvRound). */
const RINT_MAGIC = 6755399441055744;

/** BORDER_REFLECT_101 index: … c b | a b c d | c b a … (the edge is not repeated). */
function reflect101(p: number, n: number): number {
  if (n === 1) return 0;
  while (p < 0 || p >= n) p = p < 0 ? -p : 2 * (n - 1) - p;
  return p;
}

/** Everything that depends only on (width, height, tilesX, tilesY): computed once and cached. */
interface ClaheGeometry {
  width: number;
  height: number;
  tilesX: number;
  tilesY: number;
  tileW: number;
  tileH: number;
  /** Padded column → source column (length tilesX·tileW). */
  colSource: Int32Array;
  /** Padded row → source row·width (length tilesY·tileH). */
  rowSource: Int32Array;
  /** Scratch for one padded row (used only when padding is needed). */
  rowBuffer: Uint8Array;
  /** Per output column: float32 weights of the right and left tile (held as doubles). */
  xa: Float64Array;
  xa1: Float64Array;
  /** Columns in runs sharing their left/right tiles: run k is [xRunStart[k], xRunStart[k+1]), its tiles' LUT offsets (tile column·256). */
  xRunStart: Int32Array;
  xRunLo: Int32Array;
  xRunHi: Int32Array;
  /** Per output row: LUT offsets of the upper/lower tile row (tile row·tilesX·256) and float32 weights. */
  yLo: Int32Array;
  yHi: Int32Array;
  ya: Float32Array;
  ya1: Float32Array;
  /** Scratch: histograms then LUTs, tilesX·tilesY·256 each. */
  hist: Int32Array;
  lut: Uint8Array;
}

/** Geometries of the last few (size, grid) combinations, most recent last. */
const geometryCache = new Map<string, ClaheGeometry>();
const GEOMETRY_CACHE_SIZE = 4;

function axisWeights(n: number, tile: number, tiles: number, stride: number) {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const a = new Float32Array(n);
  const a1 = new Float32Array(n);
  const inv = fround(1 / tile);
  for (let p = 0; p < n; p++) {
    const tf = fround(fround(p * inv) - 0.5);
    const t1 = Math.floor(tf);
    const frac = fround(tf - t1);
    a[p] = frac;
    a1[p] = fround(1 - frac);
    lo[p] = Math.max(t1, 0) * stride;
    hi[p] = Math.min(t1 + 1, tiles - 1) * stride;
  }
  return { lo, hi, a, a1 };
}

function geometryFor(width: number, height: number, tilesX: number, tilesY: number): ClaheGeometry {
  const key = `${width}x${height}/${tilesX}x${tilesY}`;
  const cached = geometryCache.get(key);
  if (cached !== undefined) return cached;
  // OpenCV quirk: once either axis is not divisible, both are padded by tiles − size % tiles.
  const padded = width % tilesX !== 0 || height % tilesY !== 0;
  const paddedW = padded ? width + tilesX - (width % tilesX) : width;
  const paddedH = padded ? height + tilesY - (height % tilesY) : height;
  const tileW = paddedW / tilesX;
  const tileH = paddedH / tilesY;
  const colSource = new Int32Array(paddedW);
  for (let c = 0; c < paddedW; c++) colSource[c] = reflect101(c, width);
  const rowSource = new Int32Array(paddedH);
  for (let r = 0; r < paddedH; r++) rowSource[r] = reflect101(r, height) * width;
  const x = axisWeights(width, tileW, tilesX, 256);
  const y = axisWeights(height, tileH, tilesY, tilesX * 256);
  const runStart: number[] = [];
  for (let c = 0; c < width; c++) if (c === 0 || x.lo[c] !== x.lo[c - 1] || x.hi[c] !== x.hi[c - 1]) runStart.push(c);
  const geometry: ClaheGeometry = {
    width, height, tilesX, tilesY, tileW, tileH, colSource, rowSource, rowBuffer: new Uint8Array(paddedW),
    xa: Float64Array.from(x.a), xa1: Float64Array.from(x.a1),
    xRunStart: Int32Array.from([...runStart, width]),
    xRunLo: Int32Array.from(runStart, (c) => x.lo[c]),
    xRunHi: Int32Array.from(runStart, (c) => x.hi[c]),
    yLo: y.lo, yHi: y.hi, ya: y.a, ya1: y.a1,
    hist: new Int32Array(tilesX * tilesY * 256),
    lut: new Uint8Array(tilesX * tilesY * 256),
  };
  if (geometryCache.size >= GEOMETRY_CACHE_SIZE) geometryCache.delete(geometryCache.keys().next().value as string);
  geometryCache.set(key, geometry);
  return geometry;
}

/** Tile histograms over the (virtually) padded image, clipped, turned into LUTs in `g.lut`. */
function computeTileLuts(src: Uint8Array, g: ClaheGeometry, clipLimit: number): void {
  countTiles(src, g, g.hist);
  tileLuts(g.hist, g.lut, g, clipLimit);
}

/** The tiles' histograms (tilesX·tilesY·256) over the (virtually) padded image, into `hist`. */
function countTiles(src: Uint8Array, g: ClaheGeometry, hist: Int32Array): void {
  const { width, tilesX, tilesY, tileW, tileH, colSource, rowSource, rowBuffer } = g;
  const paddedW = tilesX * tileW;
  const padded = paddedW !== width || tilesY * tileH !== g.height;
  hist.fill(0);
  for (let ty = 0; ty < tilesY; ty++) {
    for (let r = ty * tileH, rEnd = r + tileH; r < rEnd; r++) {
      // One padded row, either straight from the source or gathered through the reflect map.
      let row: Uint8Array = src;
      let rowStart = rowSource[r];
      if (padded) {
        for (let c = 0; c < paddedW; c++) rowBuffer[c] = src[rowStart + colSource[c]];
        row = rowBuffer;
        rowStart = 0;
      }
      countRow(row, rowStart, hist, ty * tilesX * 256, tilesX, tileW);
    }
  }
}

/** Histograms clipped (with OpenCV's redistribution and residual) and turned into LUTs (`hist` is changed). */
function tileLuts(hist: Int32Array, lut: Uint8Array, g: ClaheGeometry, clipLimit: number): void {
  const { tilesX, tilesY, tileW, tileH } = g;
  const area = tileW * tileH;
  const lutScale = fround(255 / area);
  const limit = clipLimit > 0 ? Math.max(1, Math.trunc((clipLimit * area) / 256)) : 0;
  for (let t = 0, tiles = tilesX * tilesY; t < tiles; t++) {
    const base = t * 256;
    if (limit > 0) {
      let excess = 0;
      for (let i = base; i < base + 256; i++) {
        if (hist[i] > limit) {
          excess += hist[i] - limit;
          hist[i] = limit;
        }
      }
      const batch = Math.floor(excess / 256);
      let residual = excess - batch * 256;
      if (batch > 0) for (let i = base; i < base + 256; i++) hist[i] += batch;
      if (residual > 0) {
        const step = Math.max(Math.floor(256 / residual), 1);
        for (let i = 0; i < 256 && residual > 0; i += step, residual--) hist[base + i]++;
      }
    }
    let cdf = 0;
    for (let i = 0; i < 256; i++) {
      cdf += hist[base + i];
      const v = fround(fround(cdf) * lutScale);
      const rounded = v + RINT_MAGIC - RINT_MAGIC;
      lut[base + i] = rounded > 255 ? 255 : rounded; // v ≥ 0 always
    }
  }
}

/** Adds one padded row's pixels to the histograms of its `tilesX` tiles (from `histBase`). Its own function: see interpolateRow. */
function countRow(row: Uint8Array, rowStart: number, hist: Int32Array, histBase: number, tilesX: number, tileW: number): void {
  for (let tx = 0; tx < tilesX; tx++) {
    const base = histBase + tx * 256;
    for (let c = rowStart + tx * tileW, cEnd = c + tileW; c < cEnd; c++) hist[base + row[c]]++;
  }
}

/**
 * CLAHE of one 8-bit slice (row-major, `width` columns × `height` rows), bit-identical to
 * OpenCV 4.6. `out` may be `src` itself (each output pixel reads only its own input value once
 * the tile LUTs are built). Throws a RangeError for inconsistent sizes or a non-positive/non-integer grid.
 */
export function clahe(
  src: Uint8Array,
  width: number,
  height: number,
  { clipLimit = 2.0, tilesX = 8, tilesY = 8 }: ClaheSettings = {},
  out?: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || src.length !== width * height) {
    throw new RangeError(`clahe: ${src.length} pixels do not make a ${width}×${height} image`);
  }
  if (!Number.isInteger(tilesX) || !Number.isInteger(tilesY) || tilesX < 1 || tilesY < 1) {
    throw new RangeError(`clahe: the tile grid must be positive integers (got ${tilesX}×${tilesY})`);
  }
  if (Number.isNaN(clipLimit)) throw new RangeError('clahe: clipLimit is NaN');
  if (out !== undefined && out.length !== src.length) {
    throw new RangeError(`clahe: out has ${out.length} values, the image has ${src.length}`);
  }
  const dst = out ?? new Uint8Array(src.length);
  const g = geometryFor(width, height, tilesX, tilesY);
  if (kernel) {
    kernelClahe(kernel, src, dst, g, clipLimit);
    return dst;
  }
  computeTileLuts(src, g, clipLimit);
  for (let y = 0; y < height; y++) interpolateRow(src, dst, y * width, g, g.yLo[y], g.yHi[y], g.ya[y], g.ya1[y]);
  return dst;
}

// ---------------------------------------------------------------------------------------------
// The WASM kernel (kernels/clahe.as.ts): histograms and interpolation in OpenCV's own float32
// arithmetic, four pixels at a time — 512² in ~1.3 ms where the JS below takes ~2.2 ms (Node). The
// caller (workers, CLI) instantiates it; without it everything runs in JS, to the same bytes.

export interface ClaheKernelExports {
  memory: WebAssembly.Memory;
  interpolate(src: number, dst: number, lut: number, width: number, height: number, xa: number, xa1: number, runStart: number, runLo: number, runHi: number, runs: number, yLo: number, yHi: number, ya: number, ya1: number): void;
  histograms(src: number, width: number, height: number, tilesX: number, tileW: number, tileH: number, hist: number): void;
}

/** Where a geometry's tables, the LUTs, histograms and the slice in and out sit in the kernel's memory. */
type KernelLayout = Record<'xa' | 'xa1' | 'runStart' | 'runLo' | 'runHi' | 'yLo' | 'yHi' | 'ya' | 'ya1' | 'lut' | 'hist' | 'src' | 'dst', number>;

let kernel: { exports: ClaheKernelExports; geometry: ClaheGeometry | null; at: KernelLayout | null } | null = null;

/** Installs an instantiated kernels/clahe.wasm (null: back to JS). */
export function installClaheKernel(exports: ClaheKernelExports | null): void {
  if (exports && (typeof exports.interpolate !== 'function' || typeof exports.histograms !== 'function' || !(exports.memory instanceof WebAssembly.Memory))) {
    throw new Error('CLAHE kernel: not kernels/clahe.wasm (interpolate, histograms or memory missing)');
  }
  kernel = exports ? { exports, geometry: null, at: null } : null;
}

export function claheKernelInstalled(): boolean {
  return kernel !== null;
}

/** Lays `g` out in the kernel's memory (growing it if needed) and writes its tables there. */
function layOut(k: NonNullable<typeof kernel>, g: ClaheGeometry): KernelLayout {
  const { width, height } = g;
  const runs = g.xRunLo.length;
  const sizes: [keyof KernelLayout, number][] = [
    ['xa', 4 * width], ['xa1', 4 * width], ['runStart', 4 * (runs + 1)], ['runLo', 4 * runs], ['runHi', 4 * runs],
    ['yLo', 4 * height], ['yHi', 4 * height], ['ya', 4 * height], ['ya1', 4 * height],
    ['lut', g.lut.length], ['hist', 4 * g.hist.length], ['src', width * height], ['dst', width * height],
  ];
  const at = {} as KernelLayout;
  let end = 16;
  for (const [name, bytes] of sizes) {
    at[name] = end;
    end += (bytes + 15) & ~15; // 16-byte aligned: the weights are loaded four at a time
  }
  const pages = Math.ceil(end / 65536) - k.exports.memory.buffer.byteLength / 65536;
  if (pages > 0) k.exports.memory.grow(pages);
  const memory = k.exports.memory.buffer;
  new Float32Array(memory, at.xa, width).set(g.xa);
  new Float32Array(memory, at.xa1, width).set(g.xa1);
  new Int32Array(memory, at.runStart, runs + 1).set(g.xRunStart);
  new Int32Array(memory, at.runLo, runs).set(g.xRunLo);
  new Int32Array(memory, at.runHi, runs).set(g.xRunHi);
  new Int32Array(memory, at.yLo, height).set(g.yLo);
  new Int32Array(memory, at.yHi, height).set(g.yHi);
  new Float32Array(memory, at.ya, height).set(g.ya);
  new Float32Array(memory, at.ya1, height).set(g.ya1);
  k.geometry = g;
  k.at = at;
  return at;
}

/** CLAHE of `src` into `dst` through the kernel: the same steps as the JS path, the same bytes. */
function kernelClahe(k: NonNullable<typeof kernel>, src: Uint8Array, dst: Uint8Array, g: ClaheGeometry, clipLimit: number): void {
  const at = k.geometry === g && k.at ? k.at : layOut(k, g);
  const memory = k.exports.memory.buffer;
  const { width, height, tilesX, tilesY, tileW, tileH } = g;
  new Uint8Array(memory, at.src, src.length).set(src);
  const hist = new Int32Array(memory, at.hist, g.hist.length);
  // The kernel counts only an image the grid divides; padded ones (OpenCV's reflect quirk) are counted in JS.
  if (tilesX * tileW !== width || tilesY * tileH !== height) countTiles(src, g, hist);
  else k.exports.histograms(at.src, width, height, tilesX, tileW, tileH, at.hist);
  tileLuts(hist, new Uint8Array(memory, at.lut, g.lut.length), g, clipLimit);
  k.exports.interpolate(at.src, at.dst, at.lut, width, height, at.xa, at.xa1, at.runStart, at.runLo, at.runHi, g.xRunLo.length, at.yLo, at.yHi, at.ya, at.ya1);
  dst.set(new Uint8Array(memory, at.dst, dst.length));
}

/**
 * Within this distance of a tie (k + ½) the double-precision interpolation cannot tell which way
 * OpenCV's float32 one rounds: those pixels are recomputed in float32. The bound: each float32
 * product or sum of values ≤ 255·(1 + 2⁻²⁴) is off by at most 255·2⁻²⁴ ≈ 1.5e-5; the top and bottom
 * rows' sums carry two such errors, the weighted sum of them two more (weights sum to ≤ 1 + 2⁻²⁴):
 * |float32 − double| < 6.2e-5 < 2⁻¹³. The guard is 2⁻¹², twice that; the double's own error is ~1e-13.
 */
const TIE_GUARD = 0.5 - 2 ** -12;

/**
 * One output row: each pixel bilinearly between the LUTs of its four nearest tiles. A function of its
 * own so V8 optimises it as a whole: a per-pixel loop nested in the row loop was entered by on-stack
 * replacement and deoptimised at every exit to the row loop (~1200 deopts per patient, traced in a
 * browser worker with --trace-deopt). Computed in double precision, which rounds to OpenCV's float32
 * result except within TIE_GUARD of a tie, where it is redone in float32, as OpenCV computes it: the
 * seven float32 roundings per pixel cost ~40 % of CLAHE in a browser worker.
 */
function interpolateRow(src: Uint8Array, dst: Uint8Array, row: number, g: ClaheGeometry, upper: number, lower: number, wy: number, wy1: number): void {
  const { lut, xa, xa1, xRunStart, xRunLo, xRunHi } = g;
  for (let k = 0, runs = xRunLo.length; k < runs; k++) {
    // Within a run the four tiles are fixed: their LUTs start at these offsets.
    const ul0 = upper + xRunLo[k];
    const ur0 = upper + xRunHi[k];
    const ll0 = lower + xRunLo[k];
    const lr0 = lower + xRunHi[k];
    for (let x = xRunStart[k], end = xRunStart[k + 1]; x < end; x++) {
      const v = src[row + x];
      const wx = xa[x];
      const wx1 = xa1[x];
      const ul = lut[ul0 + v];
      const ur = lut[ur0 + v];
      const ll = lut[ll0 + v];
      const lr = lut[lr0 + v];
      const res = (ul * wx1 + ur * wx) * wy1 + (ll * wx1 + lr * wx) * wy;
      let rounded = res + RINT_MAGIC - RINT_MAGIC;
      if (Math.abs(res - rounded) > TIE_GUARD) {
        // OpenCV's own arithmetic for this pixel: float32 products and sums (no FMA), cvRound's ties to even.
        // Inline: as a function of its own it stayed unoptimised in browser workers (~0.2 % of pixels call it).
        const top = fround(fround(ul * wx1) + fround(ur * wx));
        const bot = fround(fround(ll * wx1) + fround(lr * wx));
        rounded = fround(fround(top * wy1) + fround(bot * wy)) + RINT_MAGIC - RINT_MAGIC;
      }
      dst[row + x] = rounded > 255 ? 255 : rounded;
    }
  }
}
