// Worker: the comlink shell of "segment one patient" for the viewer (the job itself is
// src/jobs/segment/). Holds what belongs to this thread: the tfjs backend or ONNX Runtime, the loaded
// model (one at a time, kept between requests, a tfjs or an ONNX model behind SegmentationModel) and
// the patient segmented last, whose probabilities stay here so a threshold or "largest component"
// change re-binarises without re-running the model. Also the evaluation of a model over cached
// patients, and the check of an ONNX model and its sidecar before the page stores them. Only masks,
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
import { loadZlibWasm } from '../archive/zlibWasmBrowser';
import { keptCtSlices } from '../jobs/segment/ctSeries';
import { cachedInputMismatch } from '../jobs/segment/cachedPatient';
import { resizeNote, type MaskResult } from '../jobs/segment/segmentVolume';
import {
  maskOfCached,
  montageOfCached,
  niftiOfCached,
  segOfCached,
  segmentCachedPatient,
  segmentCachedPatients,
  type ReadyModel,
  type ResultRow,
  type SegmentedPatient,
} from '../jobs/segment/cachedPatient';
import { TFJS_WASM_PATHS } from './wasmAssets';

export type { MaskResult, ResultRow };

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

/** The patient segmented last. */
let session: SegmentedPatient | null = null;

function current(): SegmentedPatient {
  if (!session) throw new Error('segment a patient first');
  return session;
}

/** The current patient's kept CT slices from the dropped originals, or why they cannot be had. */
async function keptCt(files: DroppedFile[] | null) {
  const s = current();
  if (!files || files.length === 0) return keptCtSlices(null, s.meta);
  await loadZlibWasm();
  return keptCtSlices(files.map(blobSource), s.meta);
}

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
  /** Probabilities × 255, slices × height × width. */
  probabilities: Uint8Array;
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

  /** Runs the model over every kept slice of one cached patient; keeps the probabilities here for `mask`. */
  async segment(modelId: string, datasetId: string, patientKey: string, onProgress?: (done: number, total: number) => void): Promise<SegmentSummary> {
    const ready = await modelById(modelId);
    const db = await openCache();
    const dataset = await getDataset(db, datasetId);
    const meta = await findPatient(db, patientKey);
    if (!dataset || !meta) throw new Error('this patient is not in the cache any more');
    const stored = await getModel(db, modelId);
    session = await segmentCachedPatient(db, meta, { ...ready, name: stored?.name ?? modelId }, onProgress);
    const probabilities = session.probabilities.slice();
    const { width, height, kept: slices } = meta;
    const size = ready.model.inputSize;
    const summary = { name: meta.name, width, height, slices, modelSize: size, resizeNote: resizeNote(size, width, height), backend: ready.backend, modelThreshold: ready.model.threshold, msPerSlice: session.msPerSlice, probabilities };
    return transfer(summary, [probabilities.buffer]);
  },

  /** The last segmented patient's mask at these settings, and its metrics against the cached truth. */
  mask(settings: MaskSettings): MaskResult {
    const result = maskOfCached(current(), settings);
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

  /** NIfTI of the current mask; positioned from the originals' headers when given, else from the cached spacing only. */
  async exportNifti(settings: MaskSettings, files: DroppedFile[] | null): Promise<{ bytes: Uint8Array; positioned: boolean }> {
    const result = niftiOfCached(current(), settings, await keptCt(files));
    return transfer(result, [result.bytes.buffer]);
  },

  /** DICOM SEG of the current mask referencing the original CT slices, or why it cannot be made. */
  async exportSeg(settings: MaskSettings, files: DroppedFile[] | null): Promise<{ bytes: Uint8Array } | { problem: string }> {
    const result = segOfCached(current(), settings, await keptCt(files));
    return 'bytes' in result ? transfer(result, [result.bytes.buffer]) : result;
  },

  /** PNG montage of six slices spread over the liver: cached image, prediction (orange), truth outline (green). */
  exportPng(settings: MaskSettings): Uint8Array {
    const bytes = montageOfCached(current(), settings);
    return transfer(bytes, [bytes.buffer]);
  },
};

export type InferApi = typeof inferApi;
expose(inferApi);
