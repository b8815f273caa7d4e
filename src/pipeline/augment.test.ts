// Keras ImageDataGenerator affine (keras_preprocessing ≤ 1.1.2, scipy order 1, fill 'nearest'):
// every case of shared/reference/augment within the manifest tolerance, and a reproducible RNG.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { affineMatrix, applyAffine, applyAffineU8, type AffineParams } from './affine';
import { applyIntensity, augmentPair, DEFAULT_AUGMENT_RANGES, randomAffineParams, randomIntensityParams } from './augment';
import { createRng, createSampleRng } from './random';

const REFERENCE = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/reference');

function referenceDir(sub: string): string {
  const dir = join(REFERENCE, sub);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`reference cases missing: ${dir}/manifest.json not found (the shared/ folder must sit next to the repo clone)`);
  }
  return dir;
}

function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

interface AugmentCase {
  name: string;
  width: number;
  height: number;
  params: { theta_deg: number; tx: number; ty: number; shear_deg: number; zx: number; zy: number };
  in: string;
  out: string;
  maskIn: string;
  maskOut: string;
  matrix: [[number, number], [number, number]] | null;
  offset: [number, number] | null;
}

const toParams = (p: AugmentCase['params']): AffineParams => ({
  thetaDeg: p.theta_deg,
  tx: p.tx,
  ty: p.ty,
  shearDeg: p.shear_deg,
  zx: p.zx,
  zy: p.zy,
});

describe('augmentation matches Keras ImageDataGenerator (scipy backend)', () => {
  const dir = referenceDir('augment');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    tolerance: { maxAbsDiff: number };
    cases: AugmentCase[];
  };
  const tolerance = manifest.tolerance.maxAbsDiff;
  let worst = 0;

  it('has all 27 reference cases', () => {
    expect(manifest.cases.length).toBe(27);
  });

  it.each(manifest.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const params = toParams(c.params);
    const m = affineMatrix(params, c.height, c.width);
    if (c.matrix === null || c.offset === null) {
      expect(m).toBeNull();
    } else {
      expect(m).not.toBeNull();
      const got = [...m!.matrix[0], ...m!.matrix[1], ...m!.offset];
      const want = [...c.matrix[0], ...c.matrix[1], ...c.offset];
      for (let i = 0; i < 6; i++) expect(Math.abs(got[i] - want[i]), `matrix/offset entry ${i}`).toBeLessThan(1e-9);
    }
    const { image, mask } = augmentPair(f32(join(dir, c.in)), f32(join(dir, c.maskIn)), c.width, c.height, params);
    const imageDiff = maxAbsDiff(image, f32(join(dir, c.out)));
    const maskDiff = maxAbsDiff(mask, f32(join(dir, c.maskOut)));
    worst = Math.max(worst, imageDiff, maskDiff);
    expect(imageDiff, `${c.name}: image max |diff| ${imageDiff}`).toBeLessThanOrEqual(tolerance);
    expect(maskDiff, `${c.name}: mask max |diff| ${maskDiff}`).toBeLessThanOrEqual(tolerance);
  });

  it('reports the worst difference over all cases', () => {
    console.log(`augment: worst max |diff| over ${manifest.cases.length} cases (images and masks): ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(tolerance);
  });

  it('the uint8 variant equals the float path on images / 255', () => {
    const c = manifest.cases.find((k) => k.name === 'combined_large_128x128')!;
    const u8 = Uint8Array.from(f32(join(dir, c.in)), (v) => Math.round(v * 255));
    const m = affineMatrix(toParams(c.params), c.height, c.width);
    const viaFloat = applyAffine(Float32Array.from(u8, (v) => v / 255), c.width, c.height, m);
    expect(maxAbsDiff(applyAffineU8(u8, c.width, c.height, m), viaFloat)).toBeLessThan(1e-6);
  });

  it('rebinarises the mask at 0.5 when asked', () => {
    const c = manifest.cases.find((k) => k.name === 'rot_30_128x128')!;
    const { mask } = augmentPair(f32(join(dir, c.in)), f32(join(dir, c.maskIn)), c.width, c.height, toParams(c.params), {
      rebinariseMask: true,
    });
    const fractional = f32(join(dir, c.maskOut));
    for (let i = 0; i < mask.length; i++) expect(mask[i]).toBe(fractional[i] > 0.5 ? 1 : 0);
  });
});

describe('seeded random parameters', () => {
  it('the same seed gives the same parameters, another seed different ones', () => {
    const a = randomAffineParams(createRng(42), DEFAULT_AUGMENT_RANGES, 512, 512);
    const b = randomAffineParams(createRng(42), DEFAULT_AUGMENT_RANGES, 512, 512);
    const c = randomAffineParams(createRng(43), DEFAULT_AUGMENT_RANGES, 512, 512);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws within the reference ranges (θ ±3°, shifts ±1% of the size, shear ±0.01°, zoom 0.99..1.01)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 2000; i++) {
      const p = randomAffineParams(rng, DEFAULT_AUGMENT_RANGES, 512, 256);
      expect(Math.abs(p.thetaDeg)).toBeLessThanOrEqual(3);
      expect(Math.abs(p.tx)).toBeLessThanOrEqual(5.12);
      expect(Math.abs(p.ty)).toBeLessThanOrEqual(2.56);
      expect(Math.abs(p.shearDeg)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(p.zx - 1)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(p.zy - 1)).toBeLessThanOrEqual(0.01);
      expect(p.zx).not.toBe(p.zy);
    }
  });

  it('next() is uniform in [0, 1)', () => {
    const rng = createRng(1);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
  });

  it('saves and restores its state mid-stream', () => {
    const rng = createRng(2024);
    for (let i = 0; i < 10; i++) rng.next();
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = [rng.next(), rng.next(), rng.nextUint32()];
    const resumed = createRng(0);
    resumed.setState(saved);
    expect([resumed.next(), resumed.next(), resumed.nextUint32()]).toEqual(expected);
  });

  it('each (seed, epoch, sample) stream is the same whatever the number of workers', () => {
    const seed = 1234;
    const samples = 40;
    const draw = (epoch: number, index: number) => randomAffineParams(createSampleRng(seed, epoch, index), DEFAULT_AUGMENT_RANGES, 512, 512);
    // one worker, in order
    const single = Array.from({ length: samples }, (_, i) => draw(3, i));
    // three workers taking every third sample, drawing in reverse order
    const pooled = new Array<ReturnType<typeof draw>>(samples);
    for (let w = 0; w < 3; w++) {
      const mine = Array.from({ length: samples }, (_, i) => i).filter((i) => i % 3 === w).reverse();
      for (const i of mine) pooled[i] = draw(3, i);
    }
    expect(pooled).toEqual(single);
    // streams differ between samples, epochs and seeds
    expect(draw(3, 0)).not.toEqual(draw(3, 1));
    expect(draw(3, 0)).not.toEqual(draw(4, 0));
    expect(randomAffineParams(createSampleRng(seed + 1, 3, 0), DEFAULT_AUGMENT_RANGES, 512, 512)).not.toEqual(draw(3, 0));
    expect(createSampleRng(1, 2, 3).getState()).not.toEqual(createSampleRng(1, 3, 2).getState());
  });

  it('gives distinct states for many (epoch, sample) pairs', () => {
    const seen = new Set<string>();
    for (let e = 0; e < 50; e++) for (let s = 0; s < 400; s++) seen.add(createSampleRng(9, e, s).getState().words.join(','));
    expect(seen.size).toBe(50 * 400);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
  });
});

describe('intensity augmentation (Keras channel_shift_range and brightness_range)', () => {
  const ranges = { ...DEFAULT_AUGMENT_RANGES, channelShiftRange: 20, brightnessRange: 0.2 };

  it('draws nothing when both are off, and otherwise the shift then the factor, after the affine draws', () => {
    const a = createRng(9);
    const b = createRng(9);
    expect(randomIntensityParams(a, DEFAULT_AUGMENT_RANGES)).toBeNull();
    expect(a.next()).toBe(b.next());
    const c = createRng(4);
    const d = createRng(4);
    const params = randomIntensityParams(c, ranges)!;
    expect(params.channelShift).toBe(-20 + 40 * d.next());
    expect(params.brightness).toBe(0.8 + 0.4 * d.next());
    const onlyBrightness = randomIntensityParams(createRng(4), { ...DEFAULT_AUGMENT_RANGES, brightnessRange: 0.2 })!;
    expect(onlyBrightness).toEqual({ channelShift: 0, brightness: 0.8 + 0.4 * createRng(4).next() });
  });

  it('shifts within the slice\'s own range, then brightens through 8-bit levels as PIL does (truncated, clipped to 255)', () => {
    const slice = Float32Array.from([10, 100.7, 200, 250]);
    applyIntensity(slice, { channelShift: 30, brightness: 1 });
    expect(Array.from(slice)).toEqual([40, Math.fround(130.7), 230, 250]); // 280 clipped to the slice's max
    applyIntensity(slice, { channelShift: 0, brightness: 1.15 });
    // levels 40, 130, 230, 250 (truncated) × 1.15 → 46, 149 (149.5), 255 (264.5), 255 (287.5)
    expect(Array.from(slice)).toEqual([46, 149, 255, 255]);
    const dark = Float32Array.from([0, 99, 255]);
    applyIntensity(dark, { channelShift: -50, brightness: 0.8 });
    // shift: 0 (clipped to min 0), 49, 205; × 0.8 → 0, 39 (39.2), 164
    expect(Array.from(dark)).toEqual([0, 39, 164]);
  });

  it('gives the same levels on an image scaled to 0–1 (the training batches) as on 0–255', () => {
    const levels = Float32Array.from({ length: 64 }, (_, i) => (i * 37) % 256);
    const scaled = levels.map((v) => v / 255);
    applyIntensity(levels, { channelShift: 12.5, brightness: 1.13 });
    applyIntensity(scaled, { channelShift: 12.5, brightness: 1.13 }, 1);
    for (let i = 0; i < levels.length; i++) expect(scaled[i] * 255).toBeCloseTo(levels[i], 3);
    // Every 8-bit level, stored as level / 255 in float32, keeps its level (no truncation to the one below).
    const all = Float32Array.from({ length: 256 }, (_, i) => i / 255);
    applyIntensity(all, { channelShift: 0, brightness: 1.0001 }, 1);
    all.forEach((v, i) => expect(Math.round(v * 255)).toBe(i));
  });
});
