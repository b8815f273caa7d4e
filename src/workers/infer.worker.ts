// Worker: the comlink shell of "segment one patient" for the viewer (the job itself is
// src/jobs/segment/). Holds what belongs to this thread: the tfjs backend or ONNX Runtime, the loaded
// model (one at a time, kept between requests, a tfjs or an ONNX model behind SegmentationModel) and
// the patient segmented last, whose probabilities stay here so a threshold or "largest component"
// change re-binarises without re-running the model. Also the evaluation of a model over cached
// patients, the check of an ONNX model and its sidecar before the page stores them, and the files of
// an edited label (DICOM SEG, NIfTI) made from the mask the page sends. Only masks,
// numbers and file bytes cross to the page, as transferables. Reads IndexedDB through src/storage;
// never writes it.
import { expose, transfer } from 'comlink';
import { chooseBackend, setWasmPaths, type BackendName } from '../model/backends';
import { restoreModel } from '../model/checkpoint';
import { evaluate, type Evaluation } from '../model/evaluate';
import { modelInputSize } from '../model/modelFiles';
import { tfjsSegmentationModel } from '../model/segmentationModel';
import { openOnnxModel, sessionShapes } from '../model/onnxModel';
import { sidecarNameOf, type OnnxShapes, type OnnxSidecar } from '../model/onnxSidecar';
import { onnxWebRuntime, type OnnxBackend } from './onnxRuntimeWeb';
import type { MaskSettings } from '../model/probabilityMask';
import { openCache } from '../storage/schema';
import { getDataset, listPatients, findPatient } from '../storage/datasets';
import { readSliceSet } from '../storage/readPatient';
import { getModel } from '../storage/runs';
import { blobSource, type DroppedFile } from '../common/blobSource';
import type { PatientFiles } from '../discovery/types';
import { loadZlibWasm } from '../archive/zlibWasmBrowser';
import { keptCtSlices, type KeptRange } from '../jobs/segment/ctSeries';
import { niftiOfLabel, segOfLabel, type LabelFileMeta } from '../jobs/segment/labelExports';
import { resizeNote, type ReadyModel } from '../jobs/segment/segmentVolume';
import { cachedInputMismatch, segmentCachedPatient, segmentCachedPatients, type ResultRow } from '../jobs/segment/cachedPatient';
import { segmentWholeScan } from '../jobs/segment/wholeScan';
import { masksOf, montageOfSegmentation, niftiOfSegmentation, segOfSegmentation, type Segmentation, type SegmentationMasks, type SegmentationScope } from '../jobs/segment/segmentation';
import type { CachedPatient } from '../storage/schema';
import { TFJS_WASM_PATHS } from './wasmAssets';

export type { SegmentationMasks, ResultRow };

type InferBackend = BackendName | OnnxBackend;
let loaded: (ReadyModel & { id: string; backend: InferBackend }) | null = null;
let tfjsBackend: BackendName | null = null;

async function modelById(id: string): Promise<ReadyModel & { backend: InferBackend }> {
  if (loaded?.id === id) return loaded;
  const stored = await getModel(await openCache(), id);
  if (!stored) throw new Error(`model ${id} is not stored any more`);
  loaded?.model.dispose();
  loaded = null;
  if (stored.onnx) {
    const { fileName, bytes, sidecar } = stored.onnx;
    const { runtime, choices, skipped } = await onnxWebRuntime();
    const failures: string[] = skipped ? [`webgpu: ${skipped}`] : [];
    for (const { backend, providers } of choices) {
      const opened = await openOnnxModel(runtime, new Uint8Array(bytes), sidecar, { model: fileName, sidecar: sidecarNameOf(fileName) }, providers);
      if (opened.ok) {
        loaded = { id, model: opened.value, name: stored.name, backend };
        return loaded;
      }
      failures.push(`${backend}: ${opened.problem.message}`);
    }
    throw new Error(`${fileName}: ${failures.join('; ')}`);
  }
  if (!stored.model) throw new Error(`model ${stored.name} has no weights stored`);
  if (!tfjsBackend) {
    setWasmPaths(TFJS_WASM_PATHS);
    tfjsBackend = (await chooseBackend()).backend;
  }
  const fit = modelInputSize(stored.model);
  if (!fit.ok) throw new Error(fit.message);
  loaded = { id, model: tfjsSegmentationModel(await restoreModel(stored.model), fit.size), name: stored.name, backend: tfjsBackend };
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

/** The CT slices `range` of the patient from the dropped originals, or why they cannot be had. */
async function ctSlices(originals: Originals | null, range: KeptRange) {
  if (!originals || originals.files.length === 0) return keptCtSlices(null, range);
  await loadZlibWasm();
  return keptCtSlices(originals.files.map(blobSource), range, originals.patient);
}

/** The current patient's kept CT slices from the dropped originals, or why they cannot be had. */
const keptCt = (originals: Originals | null) => ctSlices(originals, current().meta);

/** The CT slices an edited label covers, from the dropped originals, or why they cannot be had. */
const labelCt = (label: LabelFileMeta, originals: Originals | null) =>
  ctSlices(originals, { name: label.patientName, keptFrom: label.firstSlice, keptTo: label.firstSlice + label.slices - 1, kept: label.slices });

export interface SegmentSummary {
  name: string;
  width: number;
  height: number;
  slices: number;
  modelSize: number;
  /** e.g. "model takes 128², slices are 512²: resized", or null when the sizes match. */
  resizeNote: string | null;
  backend: InferBackend;
  /** The threshold the model's maker suggests (an ONNX sidecar's), 0.5 otherwise. */
  modelThreshold: number;
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
  async evaluate(modelId: string, patientKeys: string[], threshold?: number): Promise<Evaluation & { backend: InferBackend; size: number }> {
    const { model, name, backend } = await modelById(modelId);
    const db = await openCache();
    const metas = await listPatients(db, patientKeys);
    for (const meta of metas) {
      const mismatch = cachedInputMismatch(model, meta.params, name);
      if (mismatch) throw new Error(mismatch);
    }
    const size = model.inputSize;
    const result = await evaluate(model, await readSliceSet(db, metas, size), 4, threshold ?? model.threshold);
    return { ...result, backend, size };
  },

  /**
   * An ONNX model's inputs and outputs (for the sidecar form's defaults) and, given a sidecar, whether
   * they fit: what the page checks before it stores an imported ONNX model. Nothing is kept.
   */
  async inspectOnnx(bytes: ArrayBuffer, fileName: string, sidecar: OnnxSidecar | null): Promise<{ shapes: OnnxShapes | null; problem: string | null }> {
    const { runtime } = await onnxWebRuntime();
    let session;
    try {
      session = await runtime.InferenceSession.create(new Uint8Array(bytes), { executionProviders: ['wasm'] });
    } catch (e) {
      return { shapes: null, problem: `${fileName}: ONNX Runtime cannot load it: ${(e as Error).message}` };
    }
    const shapes = sessionShapes(session);
    await session.release();
    if (!sidecar) return { shapes, problem: null };
    const opened = await openOnnxModel(runtime, new Uint8Array(bytes), sidecar, { model: fileName, sidecar: sidecarNameOf(fileName) }, ['wasm']);
    if (!opened.ok) return { shapes, problem: `${opened.problem.file}: ${opened.problem.message}` };
    opened.value.dispose();
    return { shapes, problem: null };
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
    const named: ReadyModel = { model: ready.model, name: stored?.name ?? modelId };
    let seg: Segmentation;
    if (originals && originals.files.length > 0) {
      await loadZlibWasm();
      const slab: [number, number] | null = meta.groundTruth === false ? null : [meta.keptFrom, meta.keptTo];
      seg = await segmentWholeScan({ sources: originals.files.map(blobSource), patient: originals.patient, params: meta.params, slab }, named, onProgress);
    } else {
      const mismatch = cachedInputMismatch(ready.model, meta.params, named.name);
      if (mismatch) throw new Error(mismatch);
      seg = await segmentCachedPatient(db, meta, named, onProgress);
    }
    session = { seg, meta };
    const { width, height, slices, scope, slab } = seg;
    const seriesOffset = seg.ct !== null ? 0 : meta.keptFrom;
    const size = ready.model.inputSize;
    return { name: meta.name, width, height, slices, scope, seriesOffset, slab, modelSize: size, resizeNote: resizeNote(size, width, height), backend: ready.backend, modelThreshold: ready.model.threshold, msPerSlice: seg.msPerSlice };
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

  /** NIfTI of an edited label's mask (`spacing`: the slices on screen); positioned from the CT headers when the originals are given. */
  async exportLabelNifti(mask: Uint8Array, label: LabelFileMeta, spacing: [number, number, number], originals: Originals | null): Promise<{ bytes: Uint8Array; positioned: boolean; reason: string | null }> {
    const ct = await labelCt(label, originals);
    const result = { ...niftiOfLabel(mask, label, spacing, ct), reason: typeof ct === 'string' ? ct : null };
    return transfer(result, [result.bytes.buffer]);
  },

  /** DICOM SEG of an edited label's mask referencing the CT slices it covers, or why it cannot be made. */
  async exportLabelSeg(mask: Uint8Array, label: LabelFileMeta, spacing: [number, number, number], originals: Originals | null): Promise<{ bytes: Uint8Array } | { problem: string }> {
    const result = segOfLabel(mask, label, spacing, await labelCt(label, originals));
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
