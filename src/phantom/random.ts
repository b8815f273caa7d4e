// Seeded randomness for the synthetic phantom: the same seed must give the same bytes, so no
// Math.random; per-pixel noise uses a quantile table instead of per-sample log/trig.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.

/** A uniform generator in [0, 1). */
export type Random = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG, good enough for anatomy and noise (not for cryptography). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from any parts (FNV-1a then a murmur finaliser), e.g. `seedFrom(datasetSeed, 'Phantom.2')`. */
export function seedFrom(...parts: (string | number)[]): number {
  const text = parts.map(String).join('\u0001');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** A uniform value in [min, max). */
export function uniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}

/**
 * Fills `out` with N(0, sigma²) samples: one uniform draw per sample picks one of 65 536 equiprobable
 * normal quantiles (no trigonometry per pixel, so a whole series of noise costs a few milliseconds).
 */
export function fillGaussian(random: Random, out: Float32Array, sigma: number): Float32Array {
  const quantiles = normalQuantiles();
  for (let i = 0; i < out.length; i++) out[i] = sigma * quantiles[(random() * QUANTILE_COUNT) | 0];
  return out;
}

const QUANTILE_COUNT = 65536;
let quantileTable: Float32Array | null = null;

/** Φ⁻¹((i + ½) / 65 536) for every i, built once. */
function normalQuantiles(): Float32Array {
  if (quantileTable) return quantileTable;
  const table = new Float32Array(QUANTILE_COUNT);
  for (let i = 0; i < QUANTILE_COUNT; i++) table[i] = inverseNormal((i + 0.5) / QUANTILE_COUNT);
  quantileTable = table;
  return table;
}

/** Inverse standard normal CDF (P. J. Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  const low = 0.02425;
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
