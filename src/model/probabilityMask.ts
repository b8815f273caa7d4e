// From stored probabilities (uint8, p × 255) to the binary mask the viewer, the metrics and the
// exports use: a threshold, then optionally only the largest 3-D connected component. Pure and fast
// (one pass, plus one flood fill), so it can follow a threshold slider in a worker.
import { largestConnectedComponent } from './largestConnectedComponent';

export interface MaskSettings {
  /** 0..1; a voxel is liver when its probability ≥ threshold. */
  threshold: number;
  largestComponent: boolean;
}

export const DEFAULT_MASK_SETTINGS: Readonly<MaskSettings> = Object.freeze({ threshold: 0.5, largestComponent: false });

/** 0/1 mask of `probabilities` (×255) at the threshold, the largest 26-connected component only when asked. */
export function maskFromProbabilities(probabilities: Uint8Array, w: number, h: number, d: number, settings: MaskSettings): Uint8Array {
  // p/255 ≥ t ⇔ p ≥ 255·t; p is an integer, so compare with the smallest integer ≥ 255·t.
  const cut = Math.max(0, Math.ceil(255 * settings.threshold - 1e-9));
  const mask = new Uint8Array(probabilities.length);
  for (let i = 0; i < mask.length; i++) mask[i] = probabilities[i] >= cut ? 1 : 0;
  return settings.largestComponent ? largestConnectedComponent(mask, w, h, d) : mask;
}
