// The `liverlab:` image loader: Cornerstone asks for `liverlab:<volumeId>/<slice>` and gets that
// slice straight from a ViewerVolume's typed array (no DICOM, no network), with the metadata a
// stack viewport needs (plane geometry from the spacing, pixel format, VOI windows, modality).
// Never copies a slice it does not have to and never fetches anything; volumes are registered and
// released by the viewer that shows them.
import { imageLoader, metaData, utilities, Enums, type Types } from '@cornerstonejs/core';
import type { DisplayWindow, ViewerVolume } from './types';

export const SCHEME = 'liverlab';

interface Registered {
  volume: ViewerVolume;
  window: DisplayWindow;
  frameOfReferenceUID: string;
}

const volumes = new Map<string, Registered>();
let installed = false;
let nextId = 1;

/** Makes the volume's slices loadable and returns their imageIds, in slice order. */
export function registerVolume(volume: ViewerVolume, window: DisplayWindow): { volumeId: string; imageIds: string[] } {
  install();
  const volumeId = `v${nextId++}`;
  volumes.set(volumeId, { volume, window, frameOfReferenceUID: `liverlab.${volumeId}` });
  const imageIds = Array.from({ length: volume.slices }, (_, s) => `${SCHEME}:${volumeId}/${s}`);
  return { volumeId, imageIds };
}

export function releaseVolume(volumeId: string): void {
  volumes.delete(volumeId);
}

function install(): void {
  if (installed) return;
  installed = true;
  imageLoader.registerImageLoader(SCHEME, loadSlice as unknown as Types.ImageLoaderFn);
  // Above the default priority, so nothing else answers for our imageIds.
  metaData.addProvider(provideMetadata, 10_000);
}

function parse(imageId: string): { entry: Registered; slice: number } | null {
  const match = /^liverlab:(v\d+)\/(\d+)$/.exec(imageId);
  if (!match) return null;
  const entry = volumes.get(match[1]);
  const slice = Number(match[2]);
  if (!entry || slice >= entry.volume.slices) return null;
  return { entry, slice };
}

function loadSlice(imageId: string): { promise: Promise<Types.IImage> } {
  const found = parse(imageId);
  if (!found) return { promise: Promise.reject(new Error(`${imageId}: no such slice (volume released?)`)) };
  const { entry, slice } = found;
  const { volume, window } = entry;
  const px = volume.width * volume.height;
  const pixels = volume.pixels.subarray(slice * px, (slice + 1) * px);
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({
    width: volume.width,
    height: volume.height,
    scalarData: pixels,
    numberOfComponents: 1,
    id: imageId,
  });
  let min = pixels[0];
  let max = pixels[0];
  for (let i = 1; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  const [rowSpacing, columnSpacing] = volume.spacing;
  const image = {
    imageId,
    minPixelValue: min,
    maxPixelValue: max,
    slope: 1,
    intercept: 0,
    windowCenter: window.center,
    windowWidth: window.width,
    voiLUTFunction: Enums.VOILUTFunctionType.LINEAR,
    getPixelData: () => voxelManager.getScalarData(),
    getCanvas: undefined as unknown as () => HTMLCanvasElement,
    rows: volume.height,
    columns: volume.width,
    height: volume.height,
    width: volume.width,
    color: false,
    rgba: false,
    numberOfComponents: 1,
    columnPixelSpacing: columnSpacing,
    rowPixelSpacing: rowSpacing,
    sliceThickness: volume.spacing[2],
    invert: false,
    photometricInterpretation: 'MONOCHROME2',
    sizeInBytes: pixels.byteLength,
    dataType: (pixels instanceof Int16Array ? 'Int16Array' : 'Uint8Array') as Types.PixelDataTypedArrayString,
    voxelManager,
    FrameOfReferenceUID: entry.frameOfReferenceUID,
  } satisfies Types.IImage;
  return { promise: Promise.resolve(image) };
}

function provideMetadata(type: string, imageId: string): unknown {
  if (typeof imageId !== 'string' || !imageId.startsWith(`${SCHEME}:`)) return undefined;
  const found = parse(imageId);
  if (!found) return undefined;
  const { entry, slice } = found;
  const { volume, window } = entry;
  const [rowSpacing, columnSpacing, sliceSpacing] = volume.spacing;
  switch (type) {
    case 'imagePlaneModule':
      return {
        frameOfReferenceUID: entry.frameOfReferenceUID,
        rows: volume.height,
        columns: volume.width,
        imageOrientationPatient: [1, 0, 0, 0, 1, 0],
        rowCosines: [1, 0, 0],
        columnCosines: [0, 1, 0],
        imagePositionPatient: [0, 0, slice * sliceSpacing],
        pixelSpacing: [rowSpacing, columnSpacing],
        rowPixelSpacing: rowSpacing,
        columnPixelSpacing: columnSpacing,
        sliceThickness: sliceSpacing,
        sliceLocation: slice * sliceSpacing,
      };
    case 'imagePixelModule': {
      const signed = volume.pixels instanceof Int16Array;
      return {
        samplesPerPixel: 1,
        photometricInterpretation: 'MONOCHROME2',
        rows: volume.height,
        columns: volume.width,
        bitsAllocated: signed ? 16 : 8,
        bitsStored: signed ? 16 : 8,
        highBit: signed ? 15 : 7,
        pixelRepresentation: signed ? 1 : 0,
      };
    }
    case 'voiLutModule':
      return { windowCenter: [window.center], windowWidth: [window.width], voiLUTFunction: Enums.VOILUTFunctionType.LINEAR };
    case 'modalityLutModule':
      return { rescaleSlope: 1, rescaleIntercept: 0, rescaleType: volume.kind === 'hu' ? 'HU' : 'US' };
    case 'generalSeriesModule':
      // 'OT' for cached grey levels, so Cornerstone's ROI labels do not call them HU.
      return { modality: volume.kind === 'hu' ? 'CT' : 'OT', seriesInstanceUID: entry.frameOfReferenceUID, seriesNumber: 1 };
    case 'generalImageModule':
      return { instanceNumber: slice + 1 };
    default:
      return undefined;
  }
}
