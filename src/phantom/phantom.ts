// A deterministic synthetic CT dataset in the 3D-IRCADb-01 layout, for demos, tests and benchmarks
// when the real data is absent: `<name>/PATIENT_DICOM/image_K` plus `<name>/MASKS_DICOM/{liver,bone}/image_K`,
// written as real DICOM files (int16 CT with RescaleIntercept −1024, 8-bit 0/255 masks, explicit VR LE).
// Pure: no DOM, no Node APIs, no Math.random (same seed → same bytes); typed arrays only, no per-pixel objects.
// The writer copies pixels into each file, so one set of slice buffers is reused for the whole series.
import { makeUid, writeDicom, type DicomImageSpec } from '../dicom/write';
import { allocateSlice, drawAnatomy, renderSlice, toStoredWithNoise } from './anatomy';
import { mulberry32, seedFrom } from './random';

export interface PhantomFile {
  /** Path as in a drop of the dataset folder, e.g. `Phantom.1/PATIENT_DICOM/image_0`. */
  path: string;
  /** A fresh ArrayBuffer per file: ready for `new Blob([bytes])` or a transfer to a worker. */
  bytes: Uint8Array<ArrayBuffer>;
}

export interface PhantomPatient {
  name: string;
  files: PhantomFile[];
  /** First and last slice (0-based) with liver, as discovery will find it; null only for tiny series. */
  liverRange: [number, number] | null;
  /** Liver volume from the mask: voxels × voxel volume. */
  liverVolumeMl: number;
}

export interface PhantomOptions {
  name: string;
  /** Rows = columns (default 128). */
  size?: number;
  /** Number of axial slices (default 40). */
  slices?: number;
  seed?: number;
  /** Default 1.6 mm, as in 3D-IRCADb-01; slices are contiguous (spacing = thickness). */
  sliceThickness?: number;
}

/** Field of view of the phantom, in mm (3D-IRCADb-01 ranges from ~290 to ~400 mm). */
export const PHANTOM_FIELD_OF_VIEW_MM = 380;
/** Stored value = HU + 1024, so a reader that forgets the rescale is visibly wrong. */
export const PHANTOM_RESCALE_INTERCEPT = -1024;

const MASK_ORGANS = ['liver', 'bone'] as const;

export function generatePhantomPatient({ name, size = 128, slices = 40, seed = 1, sliceThickness = 1.6 }: PhantomOptions): PhantomPatient {
  if (!Number.isInteger(size) || size < 8 || !Number.isInteger(slices) || slices < 1) {
    throw new Error(`generatePhantomPatient: invalid size ${size} or slices ${slices}`);
  }
  const random = mulberry32(seedFrom('anatomy', seed));
  const noiseRandom = mulberry32(seedFrom('noise', seed));
  const anatomy = drawAnatomy(random, slices);
  const spacing = PHANTOM_FIELD_OF_VIEW_MM / size;
  const study = makeUid('LiverLab phantom', seed, name, 'study');
  const seriesOf = (series: string) => makeUid('LiverLab phantom', seed, name, series);
  const common = {
    modality: 'CT',
    rows: size,
    columns: size,
    pixelSpacing: [spacing, spacing] as [number, number],
    sliceThickness,
    imageOrientationPatient: [1, 0, 0, 0, 1, 0] as DicomImageSpec['imageOrientationPatient'],
    studyInstanceUid: study,
    rescaleSlope: 1,
  };

  const slice = allocateSlice(size);
  const noise = new Float32Array(size * size);
  const stored = new Int16Array(size * size);
  const files: PhantomFile[] = [];
  const masks: Record<(typeof MASK_ORGANS)[number], PhantomFile[]> = { liver: [], bone: [] };
  let liverVoxels = 0;
  let liverFirst = -1;
  let liverLast = -1;

  for (let k = 0; k < slices; k++) {
    renderSlice(anatomy, k, slices, size, slice);
    toStoredWithNoise(slice.hu, noise, noiseRandom, anatomy.noiseSigma, PHANTOM_RESCALE_INTERCEPT, stored);
    const position: [number, number, number] = [0, 0, sliceThickness * k];
    files.push({
      path: `${name}/PATIENT_DICOM/image_${k}`,
      bytes: writeDicom({
        ...common,
        patientName: `${name}^patient`,
        instanceNumber: k,
        imagePositionPatient: position,
        seriesInstanceUid: seriesOf('ct'),
        sopInstanceUid: makeUid('LiverLab phantom', seed, name, 'ct', k),
        rescaleIntercept: PHANTOM_RESCALE_INTERCEPT,
        bitsAllocated: 16,
        pixelRepresentation: 1,
        windowCenter: 40,
        windowWidth: 400,
        pixels: stored,
      }),
    });

    const voxels = countNonZero(slice.liver);
    if (voxels > 0) {
      liverVoxels += voxels;
      if (liverFirst < 0) liverFirst = k;
      liverLast = k;
    }
    for (const organ of MASK_ORGANS) {
      masks[organ].push({
        path: `${name}/MASKS_DICOM/${organ}/image_${k}`,
        bytes: writeDicom({
          ...common,
          patientName: `${name}^${organ}`,
          imageType: 'DERIVED\\SECONDARY',
          instanceNumber: k,
          imagePositionPatient: position,
          seriesInstanceUid: seriesOf(organ),
          sopInstanceUid: makeUid('LiverLab phantom', seed, name, organ, k),
          rescaleIntercept: 0,
          bitsAllocated: 8,
          pixelRepresentation: 0,
          pixels: slice[organ],
        }),
      });
    }
  }
  return {
    name,
    files: [...files, ...masks.liver, ...masks.bone],
    liverRange: liverFirst < 0 ? null : [liverFirst, liverLast],
    liverVolumeMl: (liverVoxels * spacing * spacing * sliceThickness) / 1000,
  };
}

export interface PhantomDatasetOptions {
  /** Number of patients, named `Phantom.1` … (default 3). */
  count?: number;
  size?: number;
  slices?: number;
  seed?: number;
  sliceThickness?: number;
}

/** Patients `Phantom.1`, `Phantom.2`, … with anatomy varied per patient, all from one seed. */
export function generatePhantomDataset({ count = 3, seed = 1, ...rest }: PhantomDatasetOptions = {}): PhantomPatient[] {
  return Array.from({ length: count }, (_, i) =>
    generatePhantomPatient({ ...rest, name: `Phantom.${i + 1}`, seed: seedFrom('dataset', seed, i + 1) }),
  );
}

function countNonZero(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  return count;
}
