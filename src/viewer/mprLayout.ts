// How the three MPR views share the viewer's area, by the volume's real proportions: axial is
// width × depth (mm), coronal width × length, sagittal depth × length. Two arrangements — the three in
// a row, or axial on the left with coronal over sagittal on its right — each at one scale (px per mm)
// for all three views; the one that shows the anatomy larger in the space available wins. Pure.
import type { ViewerVolume } from './types';

export interface MprLayout {
  arrangement: 'row' | 'side';
  /** CSS grid of the views' host: template areas a (axial), c (coronal), s (sagittal). */
  areas: string;
  columns: string;
  rows: string;
  /** Height (px) of the area the views need at width `width`. */
  height: number;
  /** px per mm the views are drawn at. */
  scale: number;
}

export function mprLayout(volume: Pick<ViewerVolume, 'width' | 'height' | 'slices' | 'spacing'>, width: number, maxHeight: number): MprLayout {
  const [rowMm, columnMm, sliceMm] = volume.spacing;
  const x = volume.width * columnMm; // left–right
  const y = volume.height * rowMm; // front–back
  const z = volume.slices * sliceMm; // along the slices
  const rowScale = Math.min(width / (x + x + y), maxHeight / Math.max(y, z));
  const right = Math.max(x, y);
  const sideScale = Math.min(width / (x + right), maxHeight / Math.max(y, 2 * z));
  if (rowScale >= sideScale) {
    return { arrangement: 'row', areas: '"a c s"', columns: `${x}fr ${x}fr ${y}fr`, rows: '1fr', height: Math.round(Math.max(y, z) * rowScale), scale: rowScale };
  }
  return { arrangement: 'side', areas: '"a c" "a s"', columns: `${x}fr ${right}fr`, rows: '1fr 1fr', height: Math.round(Math.max(y, 2 * z) * sideScale), scale: sideScale };
}
