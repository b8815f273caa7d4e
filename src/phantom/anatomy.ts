// The synthetic abdomen: one patient's anatomy drawn from a seed, and its rasterisation into an axial
// slice of Hounsfield units with liver and bone labels. Shapes live in normalised image coordinates
// (u = column, v = row, both −1…1 across the field of view; v grows posteriorly, u grows to the
// patient's left, so the liver sits at u < 0 like in a radiological display).
// Pure and allocation-free per pixel: typed arrays in, typed arrays out; no DOM, no Node APIs.
import { fillGaussian, type Random, uniform } from './random';

interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

interface Vessel {
  /** Offset of the vessel's axis from the liver centre, in liver radii. */
  offsetU: number;
  offsetV: number;
  angle: number;
  /** Radians per unit of liver z (0…1): the vessel turns smoothly through the slices. */
  twist: number;
  halfWidth: number;
  hu: number;
}

export interface PhantomAnatomy {
  body: Ellipse;
  /** Fat rim and muscle wall thickness, in units of the body's normalised radius. */
  fatThickness: number;
  muscleThickness: number;
  spine: { cy: number; radius: number };
  ribAngles: number[];
  ribRadius: number;
  aorta: Ellipse;
  venaCava: Ellipse;
  spleen: Ellipse & { firstSlice: number };
  liver: {
    /** First and last slice index where the liver is present. */
    firstSlice: number;
    lastSlice: number;
    shape: Ellipse;
    /** Smooth drift of the centre over the liver's z range (normalised units). */
    driftU: number;
    driftV: number;
    /** Boundary harmonics: radius × (1 + Σ amplitude·cos(order·θ + phase)). */
    harmonics: { order: number; amplitude: number; phase: number }[];
    textureFrequency: [number, number, number];
    texturePhase: [number, number];
    vessels: Vessel[];
  };
  noiseSigma: number;
}

/** Hounsfield units of the phantom's tissues (before noise). */
export const TISSUE_HU = {
  air: -1000,
  fat: -100,
  muscle: 50,
  softTissue: 15,
  liver: 60,
  liverTextureAmplitude: 8,
  perihepaticFat: -60,
  spleen: 45,
  aorta: 160,
  venaCava: 110,
  spinalCanal: 15,
  cancellousBone: 400,
  corticalBone: 700,
  rib: 550,
} as const;

/** Outer edge of the fat plane around the liver, in liver radii (a rim of ~5% of the radius). */
const PERIHEPATIC_FAT = 1.06;

/** Draws one patient's anatomy; the liver occupies slices strictly inside the series (≥ 6 empty each side at 40). */
export function drawAnatomy(random: Random, slices: number): PhantomAnatomy {
  const body: Ellipse = {
    cx: uniform(random, -0.03, 0.03),
    cy: uniform(random, 0.0, 0.06),
    rx: uniform(random, 0.8, 0.9),
    ry: uniform(random, 0.58, 0.66),
  };
  const spineRadius = uniform(random, 0.095, 0.115);
  const spineCy = body.cy + body.ry * uniform(random, 0.42, 0.5);
  const marginBefore = Math.max(1, Math.floor(slices * uniform(random, 0.16, 0.24)));
  const marginAfter = Math.max(1, Math.floor(slices * uniform(random, 0.16, 0.24)));
  const ribCount = 4 + Math.floor(random() * 3);
  const ribAngles: number[] = [];
  for (let i = 0; i < ribCount; i++) {
    // posterior and lateral arcs on both sides (angles measured from +u towards +v)
    const side = i % 2 === 0 ? 1 : -1;
    const angle = uniform(random, 0.15, 1.3);
    ribAngles.push(side > 0 ? angle : Math.PI - angle);
  }
  return {
    body,
    fatThickness: uniform(random, 0.06, 0.11),
    muscleThickness: uniform(random, 0.04, 0.06),
    spine: { cy: spineCy, radius: spineRadius },
    ribAngles,
    ribRadius: uniform(random, 0.022, 0.03),
    aorta: { cx: body.cx + uniform(random, 0.04, 0.08), cy: spineCy - spineRadius - 0.05, rx: 0.045, ry: 0.045 },
    venaCava: { cx: body.cx - uniform(random, 0.08, 0.12), cy: spineCy - spineRadius - 0.04, rx: 0.05, ry: 0.035 },
    spleen: {
      cx: body.cx + uniform(random, 0.45, 0.55),
      cy: body.cy + uniform(random, 0.05, 0.15),
      rx: uniform(random, 0.09, 0.13),
      ry: uniform(random, 0.14, 0.2),
      firstSlice: Math.floor(slices * uniform(random, 0.45, 0.6)),
    },
    liver: {
      firstSlice: marginBefore,
      lastSlice: slices - 1 - marginAfter,
      shape: {
        cx: body.cx + uniform(random, -0.42, -0.34),
        cy: body.cy + uniform(random, -0.1, 0.0),
        rx: uniform(random, 0.28, 0.34),
        ry: uniform(random, 0.3, 0.38),
      },
      driftU: uniform(random, -0.06, 0.06),
      driftV: uniform(random, -0.06, 0.06),
      harmonics: [2, 3, 4].map((order) => ({
        order,
        amplitude: uniform(random, 0.03, 0.1) / (order - 1),
        phase: uniform(random, 0, 2 * Math.PI),
      })),
      textureFrequency: [uniform(random, 1.5, 3), uniform(random, 1.5, 3), uniform(random, 2, 4)],
      texturePhase: [uniform(random, 0, 2 * Math.PI), uniform(random, 0, 2 * Math.PI)],
      vessels: Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
        offsetU: uniform(random, -0.3, 0.3),
        offsetV: uniform(random, -0.3, 0.3),
        angle: uniform(random, 0, Math.PI),
        twist: uniform(random, -1.2, 1.2),
        halfWidth: uniform(random, 0.012, 0.02),
        hu: uniform(random, 20, 35),
      })),
    },
    noiseSigma: uniform(random, 8, 12),
  };
}

/** One rendered axial slice: HU before noise is added by `addNoise`, plus labels. */
export interface PhantomSlice {
  hu: Float32Array;
  liver: Uint8Array;
  bone: Uint8Array;
}

export function allocateSlice(size: number): PhantomSlice {
  const count = size * size;
  return { hu: new Float32Array(count), liver: new Uint8Array(count), bone: new Uint8Array(count) };
}

/** Relative liver radius over its z range: a third at both ends, largest a little past the middle, smooth. */
function liverScale(t: number): number {
  return 0.35 + 0.65 * Math.sin(Math.PI * Math.pow(t, 1.15));
}

/** Rasterises slice `k` of `slices` into `out` (overwritten): noiseless HU, liver and bone masks (0/255). */
export function renderSlice(anatomy: PhantomAnatomy, k: number, slices: number, size: number, out: PhantomSlice): void {
  const { body, spine, liver } = anatomy;
  const innerFat = 1 - anatomy.fatThickness;
  const innerMuscle = innerFat - anatomy.muscleThickness;
  const z = slices > 1 ? k / (slices - 1) : 0;

  const liverPresent = k >= liver.firstSlice && k <= liver.lastSlice;
  const liverT = liver.lastSlice > liver.firstSlice ? (k - liver.firstSlice) / (liver.lastSlice - liver.firstSlice) : 0.5;
  const liverScaleNow = liverPresent ? liverScale(liverT) : 0;
  const liverCx = liver.shape.cx + liver.driftU * Math.sin(Math.PI * liverT);
  const liverCy = liver.shape.cy + liver.driftV * (liverT - 0.5);
  const liverRx = liver.shape.rx * liverScaleNow;
  const liverRy = liver.shape.ry * liverScaleNow;
  const liverMaxReach = 1 + liver.harmonics.reduce((sum, h) => sum + h.amplitude, 0);
  const vessels = liver.vessels.map((vessel) => {
    const angle = vessel.angle + vessel.twist * liverT;
    return {
      px: liverCx + vessel.offsetU * liverRx,
      py: liverCy + vessel.offsetV * liverRy,
      sin: Math.sin(angle),
      cos: Math.cos(angle),
      halfWidth: vessel.halfWidth,
      hu: vessel.hu,
    };
  });

  // Ribs drift slowly around the wall as they cross the axial planes obliquely.
  const ribRing = innerMuscle + anatomy.muscleThickness * 0.5;
  const ribs = anatomy.ribAngles.map((angle, i) => {
    const a = angle + 0.12 * Math.sin(2 * Math.PI * z + i);
    return { cx: body.cx + body.rx * ribRing * Math.cos(a), cy: body.cy + body.ry * ribRing * Math.sin(a) };
  });
  const ribR2 = anatomy.ribRadius * anatomy.ribRadius;
  const spleen = anatomy.spleen;
  const spleenPresent = k >= spleen.firstSlice && k < slices - 2;
  const spleenScale = spleenPresent ? 0.6 + 0.4 * Math.sin((Math.PI * (k - spleen.firstSlice + 1)) / (slices - spleen.firstSlice)) : 0;
  const canalCy = spine.cy + spine.radius + 0.05;
  const spinousCy = canalCy + 0.09;

  const [fu, fv, fz] = liver.textureFrequency;
  const [phaseA, phaseB] = liver.texturePhase;
  const half = size / 2;
  for (let row = 0; row < size; row++) {
    const v = (row + 0.5 - half) / half;
    for (let column = 0; column < size; column++) {
      const u = (column + 0.5 - half) / half;
      const index = row * size + column;
      let hu: number = TISSUE_HU.air;
      let isLiver = false;
      let isBone = false;

      const bu = (u - body.cx) / body.rx;
      const bv = (v - body.cy) / body.ry;
      const bodyRadius = Math.sqrt(bu * bu + bv * bv);
      if (bodyRadius <= 1) {
        hu = bodyRadius > innerFat ? TISSUE_HU.fat : bodyRadius > innerMuscle ? TISSUE_HU.muscle : TISSUE_HU.softTissue;

        const su = u - body.cx;
        const sv = v - spine.cy;
        const spineDistance = Math.sqrt(su * su + sv * sv);
        const canalDistance = Math.sqrt(su * su + (v - canalCy) * (v - canalCy));
        if (spineDistance <= spine.radius) {
          hu = spineDistance > spine.radius * 0.78 ? TISSUE_HU.corticalBone : TISSUE_HU.cancellousBone;
          isBone = true;
        } else if (canalDistance <= 0.04) {
          hu = TISSUE_HU.spinalCanal;
        } else if (canalDistance <= 0.065 || insideEllipse(u, v, body.cx, spinousCy, 0.025, 0.06)) {
          hu = TISSUE_HU.corticalBone; // neural arch and spinous process
          isBone = true;
        } else if (insideEllipse(u, v, body.cx - 0.13, spinousCy, 0.09, 0.07) || insideEllipse(u, v, body.cx + 0.13, spinousCy, 0.09, 0.07)) {
          hu = TISSUE_HU.muscle; // paraspinal muscles
        } else if (insideEllipse(u, v, anatomy.aorta.cx, anatomy.aorta.cy, anatomy.aorta.rx, anatomy.aorta.ry)) {
          hu = TISSUE_HU.aorta;
        } else if (insideEllipse(u, v, anatomy.venaCava.cx, anatomy.venaCava.cy, anatomy.venaCava.rx, anatomy.venaCava.ry)) {
          hu = TISSUE_HU.venaCava;
        } else {
          for (const rib of ribs) {
            const du = u - rib.cx;
            const dv = v - rib.cy;
            if (du * du + dv * dv <= ribR2) {
              hu = TISSUE_HU.rib;
              isBone = true;
              break;
            }
          }
        }

        if (!isBone && hu !== TISSUE_HU.aorta && hu !== TISSUE_HU.venaCava && bodyRadius <= innerMuscle) {
          if (liverPresent) {
            const lu = (u - liverCx) / liverRx;
            const lv = (v - liverCy) / liverRy;
            const q2 = lu * lu + lv * lv;
            if (q2 <= liverMaxReach * liverMaxReach * PERIHEPATIC_FAT * PERIHEPATIC_FAT) {
              const theta = Math.atan2(lv, lu);
              let boundary = 1;
              for (const h of liver.harmonics) boundary += h.amplitude * Math.cos(h.order * theta + h.phase);
              if (q2 > boundary * boundary && q2 <= PERIHEPATIC_FAT * PERIHEPATIC_FAT * boundary * boundary) {
                hu = TISSUE_HU.perihepaticFat; // the thin fat plane that outlines a real liver on CT
              } else if (q2 <= boundary * boundary) {
                isLiver = true;
                hu =
                  TISSUE_HU.liver +
                  TISSUE_HU.liverTextureAmplitude *
                    Math.sin(fu * u * Math.PI + fz * z * Math.PI + phaseA) *
                    Math.cos(fv * v * Math.PI - fz * z * 0.7 * Math.PI + phaseB);
                if (q2 < 0.8 * 0.8 * boundary * boundary) {
                  for (const vessel of vessels) {
                    const across = (u - vessel.px) * vessel.sin - (v - vessel.py) * vessel.cos;
                    if (Math.abs(across) <= vessel.halfWidth) hu = vessel.hu;
                  }
                }
              }
            }
          }
          if (!isLiver && spleenPresent && insideEllipse(u, v, spleen.cx, spleen.cy, spleen.rx * spleenScale, spleen.ry * spleenScale)) {
            hu = TISSUE_HU.spleen;
          }
        }
      }
      out.hu[index] = hu;
      out.liver[index] = isLiver ? 255 : 0;
      out.bone[index] = isBone ? 255 : 0;
    }
  }
}

function insideEllipse(u: number, v: number, cx: number, cy: number, rx: number, ry: number): boolean {
  if (rx <= 0 || ry <= 0) return false;
  const du = (u - cx) / rx;
  const dv = (v - cy) / ry;
  return du * du + dv * dv <= 1;
}

/**
 * Adds Gaussian noise and converts HU to stored int16 values for RescaleIntercept `intercept`
 * (stored = HU − intercept), clamped to the CT range −1024…3071 HU.
 */
export function toStoredWithNoise(hu: Float32Array, noise: Float32Array, random: Random, sigma: number, intercept: number, out: Int16Array): Int16Array {
  fillGaussian(random, noise, sigma);
  for (let i = 0; i < hu.length; i++) {
    const value = Math.round(hu[i] + noise[i]);
    out[i] = Math.min(3071, Math.max(-1024, value)) - intercept;
  }
  return out;
}
