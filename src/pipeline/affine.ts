// The affine transform of Keras's ImageDataGenerator (keras_preprocessing 1.0.5–1.1.2, scipy
// backend): the matrix M = C·R·T·S·Z·C⁻¹ and its resampling with bilinear interpolation and
// fill_mode='nearest' (scipy.ndimage.affine_transform order=1, mode='nearest'). Hand-written
// because no JavaScript library we keep reproduces that exact convention: x is the ROW axis, the
// centre is size/2 + 0.5 (not −0.5 as in later Keras) and M pulls each output pixel from the input.
// See shared/reference/augment/README.md. Pure: no DOM, no IndexedDB, no workers; no per-pixel
// allocation. Never swap the axes or the centre convention to "fix" it: that is the reference.

/** One transform's parameters, in Keras's names and units. */
export interface AffineParams {
  /** Rotation in degrees. */
  thetaDeg: number;
  /** Shift along the ROWS in pixels (Keras tx, from height_shift_range × H). */
  tx: number;
  /** Shift along the COLUMNS in pixels (Keras ty, from width_shift_range × W). */
  ty: number;
  /** Shear angle in degrees. */
  shearDeg: number;
  /** Zoom of the row axis (> 1 samples a larger area: content shrinks). */
  zx: number;
  /** Zoom of the column axis. */
  zy: number;
}

/** The pull map (row, col) ↦ matrix·(row, col) + offset, from output pixel to input position. */
export interface AffineMap {
  matrix: [[number, number], [number, number]];
  offset: [number, number];
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

function mul(a: Mat3, b: Mat3): Mat3 {
  const m = new Array<number>(9) as Mat3;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) m[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  }
  return m;
}

const DEG = Math.PI / 180; // numpy's deg2rad factor

/** M for an image of `height` rows and `width` columns, or null when every parameter is neutral (identity). */
export function affineMatrix(params: AffineParams, height: number, width: number): AffineMap | null {
  const parts: Mat3[] = [];
  if (params.thetaDeg !== 0) {
    const t = params.thetaDeg * DEG;
    const c = Math.cos(t);
    const s = Math.sin(t);
    parts.push([c, -s, 0, s, c, 0, 0, 0, 1]);
  }
  if (params.tx !== 0 || params.ty !== 0) parts.push([1, 0, params.tx, 0, 1, params.ty, 0, 0, 1]);
  if (params.shearDeg !== 0) {
    const s = params.shearDeg * DEG;
    parts.push([1, -Math.sin(s), 0, 0, Math.cos(s), 0, 0, 0, 1]);
  }
  if (params.zx !== 1 || params.zy !== 1) parts.push([params.zx, 0, 0, 0, params.zy, 0, 0, 0, 1]);
  if (parts.length === 0) return null;
  let m = parts[0];
  for (let i = 1; i < parts.length; i++) m = mul(m, parts[i]);
  const cr = height / 2 + 0.5; // sic: +0.5 in keras_preprocessing ≤ 1.1.2
  const cc = width / 2 + 0.5;
  const full = mul(mul([1, 0, cr, 0, 1, cc, 0, 0, 1], m), [1, 0, -cr, 0, 1, -cc, 0, 0, 1]);
  return { matrix: [[full[0], full[1]], [full[3], full[4]]], offset: [full[2], full[5]] };
}

/** Source pixels: any numeric typed array of one plane. */
type Plane = Float32Array | Float64Array | Uint8Array;

function resample(src: Plane, width: number, height: number, m: AffineMap | null, scale: number, dst: Float32Array): Float32Array {
  if (m === null) {
    for (let i = 0; i < dst.length; i++) dst[i] = src[i] * scale;
    return dst;
  }
  const [[m00, m01], [m10, m11]] = m.matrix;
  const [o0, o1] = m.offset;
  const maxR = height - 1;
  const maxC = width - 1;
  for (let r = 0; r < height; r++) {
    const rowR = m00 * r + o0;
    const rowC = m10 * r + o1;
    for (let c = 0; c < width; c++) {
      let ir = rowR + m01 * c;
      let ic = rowC + m11 * c;
      ir = ir < 0 ? 0 : ir > maxR ? maxR : ir;
      ic = ic < 0 ? 0 : ic > maxC ? maxC : ic;
      const r0 = Math.floor(ir);
      const c0 = Math.floor(ic);
      const f = ir - r0;
      const g = ic - c0;
      const r1 = r0 < maxR ? r0 + 1 : maxR;
      const c1 = c0 < maxC ? c0 + 1 : maxC;
      const top = r0 * width;
      const bottom = r1 * width;
      const v =
        src[top + c0] * (1 - f) * (1 - g) +
        src[top + c1] * (1 - f) * g +
        src[bottom + c0] * f * (1 - g) +
        src[bottom + c1] * f * g;
      dst[r * width + c] = v * scale;
    }
  }
  return dst;
}

function checkSizes(name: string, n: number, width: number, height: number, out?: Float32Array): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || n !== width * height) {
    throw new RangeError(`${name}: ${n} values do not make a ${width}×${height} image`);
  }
  if (out !== undefined && out.length !== n) throw new RangeError(`${name}: out has ${out.length} values, the image has ${n}`);
}

/**
 * Resample a float plane with the pull map `m` (null: copy), bilinear, coordinates clamped into
 * the image (fill_mode 'nearest'); computed in double, stored as float32. `out` must not be `src`.
 */
export function applyAffine(src: Float32Array, width: number, height: number, m: AffineMap | null, out?: Float32Array): Float32Array {
  checkSizes('applyAffine', src.length, width, height, out);
  if (out === src && m !== null) throw new RangeError('applyAffine: out must not be src');
  return resample(src, width, height, m, 1, out ?? new Float32Array(src.length));
}

/**
 * The same resampling read straight from a uint8 plane, multiplied by `scale` (default 1/255,
 * the training input `images / 255`): saves converting the slice to float first. Equal to
 * applyAffine on `src / 255` up to float32 rounding (≤ 1e-7).
 */
export function applyAffineU8(
  src: Uint8Array,
  width: number,
  height: number,
  m: AffineMap | null,
  scale = 1 / 255,
  out?: Float32Array,
): Float32Array {
  checkSizes('applyAffineU8', src.length, width, height, out);
  return resample(src, width, height, m, scale, out ?? new Float32Array(src.length));
}
