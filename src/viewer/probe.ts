// What is under the cursor: the voxel whose centre is nearest to a point of the viewer's world and
// its value. The world is the one every LiverLab viewer builds (localVolume.ts, imageLoader.ts): LPS
// millimetres, voxel (i, j, k) centred at (i · column spacing, j · row spacing, k · slice spacing),
// identity orientation. Pure: typed arrays and numbers, no Cornerstone.
import type { ProbeReading, ViewerVolume } from './types';

/** Voxel indices [column, row, slice] nearest to `world`, or null when it falls outside the volume. */
export function voxelAt(volume: Pick<ViewerVolume, 'width' | 'height' | 'slices' | 'spacing'>, world: readonly number[]): [number, number, number] | null {
  const [row, column, slice] = volume.spacing;
  const index = [Math.round(world[0] / column), Math.round(world[1] / row), Math.round(world[2] / slice)] as [number, number, number];
  const dims = [volume.width, volume.height, volume.slices];
  return index.every((v, a) => v >= 0 && v < dims[a]) ? index : null;
}

/** The reading at `world` (null outside the volume). */
export function probeAt(volume: ViewerVolume, world: readonly number[]): ProbeReading | null {
  const voxel = voxelAt(volume, world);
  if (!voxel) return null;
  const [column, row, slice] = voxel;
  const [rowMm, columnMm, sliceMm] = volume.spacing;
  return {
    column,
    row,
    slice,
    position: [column * columnMm, row * rowMm, slice * sliceMm],
    value: volume.pixels[(slice * volume.height + row) * volume.width + column],
  };
}
