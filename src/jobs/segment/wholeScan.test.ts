// The whole scan segmented from the dropped files: every CT slice goes through the model, windowed
// and equalised exactly as the cache's slices were (so on the kept slab the probabilities, and the
// figures, are the cached slab's to the voxel), the truth is the whole mask (its volume the phantom's
// liver volume), and the exports cover every slice. A patient without a mask is segmented whole with
// volumes only.
import { tfjsSegmentationModel } from '../../model/segmentationModel';
import { describe, expect, it } from 'vitest';
import { generatePhantomPatient } from '../../phantom/phantom';
import { DEFAULT_PIPELINE_PARAMS } from '../../pipeline/params';
import { unet } from '../../model/unet';
import { chooseBackend } from '../../model/backends';
import { readNifti } from '../../export/nifti';
import { scanPatients } from '../../discovery/scanPatients';
import { patientFilesOf } from '../../discovery/patientSources';
import { runPreprocessJob } from '../preprocess/wholePatient';
import { maskAndMetrics, segmentVolume } from './segmentVolume';
import { segmentWholeScan } from './wholeScan';
import { masksOf, niftiOfSegmentation, segOfSegmentation } from './segmentation';

const SETTINGS = { threshold: 0.5, largestComponent: false };

describe('segmentWholeScan', () => {
  it('runs on every slice; on the kept slab its probabilities and figures are the cached slices’', async () => {
    await chooseBackend('cpu');
    const p = generatePhantomPatient({ name: 'Whole.1', size: 64, slices: 32, seed: 11 });
    const sources = p.files.map((f) => ({ path: f.path, size: f.bytes.length, bytes: async () => f.bytes }));
    const [scan] = (await scanPatients(sources)).patients;
    const cached = await runPreprocessJob(null, { patient: scan.name, files: patientFilesOf(scan), sources, params: DEFAULT_PIPELINE_PARAMS, spacing: scan.spacing });
    if (!cached.ok || !cached.pixels) throw new Error('preprocessing failed');
    const { keptFrom, keptTo, kept } = cached.meta;
    // An untrained UNet: its output is arbitrary, but the same for the same pixels.
    const ready = { model: tfjsSegmentationModel(unet({ baseFilters: 4, size: 64, seed: 3 }), 64), name: 'test' };

    const seg = await segmentWholeScan({ sources, patient: patientFilesOf(scan), params: DEFAULT_PIPELINE_PARAMS, slab: [keptFrom, keptTo] }, ready);
    expect([seg.scope, seg.slices, seg.width, seg.height, seg.slab]).toEqual(['scan', 32, 64, 64, [keptFrom, keptTo]]);
    const px = 64 * 64;
    expect(Buffer.compare(seg.images.subarray(keptFrom * px, (keptTo + 1) * px), cached.pixels.images)).toBe(0);

    const fromCache = await segmentVolume(ready.model, { width: 64, height: 64, slices: kept, images: cached.pixels.images });
    expect(Buffer.compare(seg.probabilities.subarray(keptFrom * px, (keptTo + 1) * px), fromCache.probabilities)).toBe(0);
    const low = { threshold: 0.45, largestComponent: false }; // so an untrained model predicts something
    const { metrics, slabMetrics } = masksOf(seg, low);
    const cachedMetrics = maskAndMetrics(fromCache.probabilities, cached.pixels.masks, { width: 64, height: 64, slices: kept }, seg.spacing, low).metrics;
    expect(slabMetrics).toEqual(cachedMetrics);
    expect(metrics.trueMl).toBeCloseTo(p.liverVolumeMl, 6);
    expect(metrics.trueMl!).toBeGreaterThan(slabMetrics!.trueMl!);

    // The exports cover every slice, placed by the CT headers.
    const nifti = niftiOfSegmentation(seg, SETTINGS);
    expect(nifti.positioned).toBe(true);
    const read = readNifti(nifti.bytes);
    expect(read.dims).toEqual([64, 64, 32]);
    expect(Buffer.compare(read.data, masksOf(seg, SETTINGS).mask)).toBe(0);
    const dicomSeg = segOfSegmentation(seg, SETTINGS);
    expect('bytes' in dicomSeg).toBe(true);
    ready.model.dispose();
  });

  it('segments a scan without a mask whole, with volumes and no overlap figures', async () => {
    await chooseBackend('cpu');
    const p = generatePhantomPatient({ name: 'Whole.2', size: 64, slices: 24, seed: 12 });
    const ctOnly = p.files.filter((f) => f.path.includes('/PATIENT_DICOM/'));
    const sources = ctOnly.map((f) => ({ path: f.path, size: f.bytes.length, bytes: async () => f.bytes }));
    const [scan] = (await scanPatients(sources)).patients;
    const ready = { model: tfjsSegmentationModel(unet({ baseFilters: 4, size: 64, seed: 3 }), 64), name: 'test' };
    const seg = await segmentWholeScan({ sources, patient: patientFilesOf(scan), params: DEFAULT_PIPELINE_PARAMS, slab: null }, ready);
    expect([seg.slices, seg.truth, seg.slab]).toEqual([24, null, null]);
    const { metrics, slabMetrics } = masksOf(seg, SETTINGS);
    expect([metrics.dice, metrics.trueMl, metrics.reason, slabMetrics]).toEqual([null, null, 'no ground truth for this patient', null]);
    expect(metrics.predictedMl).toBeGreaterThanOrEqual(0);
    ready.model.dispose();
  });
});
