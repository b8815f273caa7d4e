// Worker: the comlink shell of "segment one patient" for the viewer (the job itself is
// src/jobs/segment/). Holds what belongs to this thread: the tfjs backend, the loaded model (one at a
// time, kept between requests) and the patient segmented last, whose probabilities stay here so a
// threshold or "largest component" change re-binarises without re-running the model. Also the
// evaluation of a model over cached patients. Only masks, numbers and file bytes cross to the page,
// as transferables. Reads IndexedDB through src/storage; never writes it.
import { expose, transfer } from 'comlink';
import { chooseBackend, setWasmPaths, type BackendName } from '../model/backends';
import { restoreModel } from '../model/checkpoint';
import { evaluate, type Evaluation } from '../model/evaluate';
import { modelInputSize } from '../model/modelFiles';
import type { MaskSettings } from '../model/probabilityMask';
import { openCache } from '../storage/schema';
import { getDataset, listPatients, findPatient } from '../storage/datasets';
import { readSliceSet } from '../storage/readPatient';
import { getModel } from '../storage/runs';
import { blobSource, type DroppedFile } from '../common/blobSource';
import type { PatientFiles } from '../discovery/types';
import { loadZlibWasm } from '../archive/zlibWasmBrowser';
import { keptCtSlices } from '../jobs/segment/ctSeries';
import { resizeNote } from '../jobs/segment/segmentVolume';
import { segmentCachedPatient, segmentCachedPatients, type ReadyModel, type ResultRow } from '../jobs/segment/cachedPatient';
import { segmentWholeScan } from '../jobs/segment/wholeScan';
import { masksOf, montageOfSegmentation, niftiOfSegmentation, segOfSegmentation, type Segmentation, type SegmentationMasks, type SegmentationScope } from '../jobs/segment/segmentation';
import type { CachedPatient } from '../storage/schema';
import { TFJS_WASM_PATHS } from './wasmAssets';

export type { SegmentationMasks, ResultRow };

let loaded: (ReadyModel & { id: string }) | null = null;
let backend: BackendName | null = null;

async function modelById(id: string): Promise<ReadyModel> {
  if (loaded?.id === id) return loaded;
  if (!backend) {
    setWasmPaths(TFJS_WASM_PATHS);
    backend = (await chooseBackend()).backend;
  }
  const stored = await getModel(await openCache(), id);
  if (!stored) throw new Error(`model ${id} is not stored any more`);
  const fit = modelInputSize(stored.model);
  if (!fit.ok) throw new Error(fit.message);
  loaded?.model.dispose();
  loaded = { id, model: await restoreModel(stored.model), size: fit.size, name: stored.name };
  return loaded;
}

/** The patient segmented last: the segmentation, and the cached record it belongs to. */
let session: { seg: Segmentation; meta: CachedPatient } | null = null;

function current(): { seg: Segmentation; meta: CachedPatient } {
  if (!session) throw new Error('segment a patient first');
  return session;
}

/** A patient's dropped originals: the files, and which of them are its CT and masks (as the scan grouped them). */
export interface Originals {
  files: DroppedFile[];
  patient: PatientFiles;
}

/** The current patient's kept CT slices from the dropped originals, or why they cannot be had. */
async function keptCt(originals: Originals | null) {
  const s = current();
  if (!originals || originals.files.length === 0) return keptCtSlices(null, s.meta);
  await loadZlibWasm();
  return keptCtSlices(originals.files.map(blobSource), s.meta, originals.patient);
}

export interface SegmentSummary {
  name: string;
  width: number;
  height: number;
  slices: number;
  modelSize: number;
  /** e.g. "model takes 128², slices are 512²: resized", or null when the sizes match. */
  resizeNote: string | null;
  backend: BackendName;
  msPerSlice: number;
  /** What was segmented: the whole scan, or the cached kept slab only. */
  scope: SegmentationScope;
  /** Index, in the patient's CT series, of the first slice segmented (0 for a whole scan, keptFrom for the slab). */
  seriesOffset: number;
  /** The kept slab (first, last) within a whole scan, whose figures are shown beside; null otherwise. */
  slab: [number, number] | null;
}

const inferApi = {
  /** Volume Dice of the model on each of the given cached patients (resized to the model's input). */
  async evaluate(modelId: string, patientKeys: string[], threshold = 0.5): Promise<Evaluation & { backend: BackendName; size: number }> {
    const { model, size } = await modelById(modelId);
    const db = await openCache();
    const metas = await listPatients(db, patientKeys);
    const result = await evaluate(model, await readSliceSet(db, metas, size), 4, threshold);
    return { ...result, backend: backend!, size };
  },

  /**
   * Segments one cached patient: its whole scan when its dropped originals are given (every CT slice,
   * preprocessed as the model's training data), else its cached slices. Keeps the probabilities here for `mask`.
   */
  async segment(modelId: string, datasetId: string, patientKey: string, originals: Originals | null, onProgress?: (done: number, total: number) => void): Promise<SegmentSummary> {
    const ready = await modelById(modelId);
    const db = await openCache();
    const dataset = await getDataset(db, datasetId);
    const meta = await findPatient(db, patientKey);
    if (!dataset || !meta) throw new Error('this patient is not in the cache any more');
    const stored = await getModel(db, modelId);
    const named: ReadyModel = { ...ready, name: stored?.name ?? modelId };
    let seg: Segmentation;
    if (originals && originals.files.length > 0) {
      await loadZlibWasm();
      const slab: [number, number] | null = meta.groundTruth === false ? null : [meta.keptFrom, meta.keptTo];
      seg = await segmentWholeScan({ sources: originals.files.map(blobSource), patient: originals.patient, params: meta.params, slab }, named, onProgress);
    } else {
      seg = await segmentCachedPatient(db, meta, named, onProgress);
    }
    session = { seg, meta };
    const { width, height, slices, scope, slab } = seg;
    const seriesOffset = seg.ct !== null ? 0 : meta.keptFrom;
    return { name: meta.name, width, height, slices, scope, seriesOffset, slab, modelSize: ready.size, resizeNote: resizeNote(ready.size, width, height), backend: backend!, msPerSlice: seg.msPerSlice };
  },

  /** The last segmented patient's mask at these settings, its metrics, and the kept slab's beside them. */
  mask(settings: MaskSettings): SegmentationMasks {
    const result = masksOf(current().seg, settings);
    return transfer(result, [result.mask.buffer]);
  },

  /** Segments every patient of a dataset in turn (nothing kept but the numbers). */
  async segmentAll(modelId: string, datasetId: string, settings: MaskSettings, onProgress?: (done: number, total: number, patient: string) => void): Promise<ResultRow[]> {
    const ready = await modelById(modelId);
    const db = await openCache();
    const dataset = await getDataset(db, datasetId);
    if (!dataset) throw new Error('this dataset is not in the cache any more');
    return segmentCachedPatients(db, await listPatients(db, dataset.patientKeys), ready, settings, onProgress);
  },

  /** NIfTI of the current mask; positioned from the CT headers (a whole scan's, or the originals' kept slices), else from the cached spacing only. */
  async exportNifti(settings: MaskSettings, originals: Originals | null): Promise<{ bytes: Uint8Array; positioned: boolean }> {
    const { seg } = current();
    const result = niftiOfSegmentation(seg, settings, seg.ct ?? (await keptCt(originals)));
    return transfer(result, [result.bytes.buffer]);
  },

  /** DICOM SEG of the current mask referencing the original CT slices, or why it cannot be made. */
  async exportSeg(settings: MaskSettings, originals: Originals | null): Promise<{ bytes: Uint8Array } | { problem: string }> {
    const { seg } = current();
    const result = segOfSegmentation(seg, settings, seg.ct ?? (await keptCt(originals)));
    return 'bytes' in result ? transfer(result, [result.bytes.buffer]) : result;
  },

  /** PNG montage of six slices spread over the liver: cached image, prediction (orange), truth outline (green). */
  exportPng(settings: MaskSettings): Uint8Array {
    const bytes = montageOfSegmentation(current().seg, settings);
    return transfer(bytes, [bytes.buffer]);
  },
};

export type InferApi = typeof inferApi;
expose(inferApi);
