// A ViewerVolume (or one of its 0/1 masks) as a Cornerstone image volume held in memory: LPS world
// with slice k at z = k · slice spacing, identity orientation, the cached [row, column, slice]
// spacing (so coronal and sagittal reformats have the right proportions). Used by the MPR viewer
// for the CT and for each labelmap; same geometry for all, so overlays sit on the CT voxel for voxel.
import { cache, volumeLoader, type Types } from '@cornerstonejs/core';
import type { DisplayWindow, ViewerVolume } from './types';

export interface VolumeGeometry3 {
  dimensions: Types.Point3;
  /** Column, row, slice spacing in mm (Cornerstone's x, y, z order). */
  spacing: Types.Point3;
  origin: Types.Point3;
  direction: Types.Mat3;
}

export function geometryOf(volume: ViewerVolume): VolumeGeometry3 {
  const [row, column, slice] = volume.spacing;
  return {
    dimensions: [volume.width, volume.height, volume.slices],
    spacing: [column, row, slice],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Types.Mat3,
  };
}

/** Caches `scalarData` (not copied) as volume `volumeId`; call `uncacheVolume` when done. */
export function cacheVolume(volumeId: string, scalarData: Int16Array | Uint8Array, volume: ViewerVolume, frameOfReferenceUID: string, window: DisplayWindow): Types.IImageVolume {
  const g = geometryOf(volume);
  const signed = scalarData instanceof Int16Array;
  const bits = signed ? 16 : 8;
  return volumeLoader.createLocalVolume(volumeId, {
    ...g,
    scalarData,
    metadata: {
      BitsAllocated: bits,
      BitsStored: bits,
      HighBit: bits - 1,
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      PixelRepresentation: signed ? 1 : 0,
      Modality: 'CT',
      FrameOfReferenceUID: frameOfReferenceUID,
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: [volume.spacing[0], volume.spacing[1]],
      Rows: volume.height,
      Columns: volume.width,
      voiLut: [{ windowWidth: window.width, windowCenter: window.center }],
      VOILUTFunction: 'LINEAR',
    },
  });
}

/** Drops a volume made by `cacheVolume` and its per-slice images from Cornerstone's cache. */
export function uncacheVolume(volumeId: string, slices: number): void {
  if (cache.getVolume(volumeId)) cache.removeVolumeLoadObject(volumeId);
  for (let k = 0; k < slices; k++) {
    const id = `${volumeId}_slice_${k}`;
    if (cache.getImageLoadObject(id) || cache.getImage(id)) cache.removeImageLoadObject(id, { force: true });
  }
}
