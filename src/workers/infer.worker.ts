// Worker: runs a stored model over cached patients — evaluation, whole-patient segmentation for the
// viewer (every kept slice, probabilities kept here so a threshold or "largest component" change
// re-binarises without re-running the model), metrics, and the exports (NIfTI, DICOM SEG, PNG).
// The model, backend, probabilities and pixels stay in this worker; only masks, numbers and file
// bytes cross to the page, as transferables. Never writes IndexedDB.
import { expose, transfer } from 'comlink';
import type * as tfl from '@tensorflow/tfjs-layers';
import { chooseBackend, setWasmPaths, type BackendName } from '../model/backends';
import { restoreModel } from '../model/checkpoint';
import { evaluate, type Evaluation } from '../model/evaluate';
import { predictProbabilities } from '../model/inference';
import { modelInputSize } from '../model/modelFiles';
import { maskFromProbabilities, type MaskSettings } from '../model/probabilityMask';
import { patientMetrics, type PatientMetrics } from '../metrics/patientMetrics';
import { openCache, type CachedPatient } from '../storage/schema';
import { getDataset, listPatients, findPatient } from '../storage/datasets';
import { readPatientVolume, readSliceSet } from '../storage/readPatient';
import { getModel } from '../storage/runs';
import { blobSource, type DroppedFile } from '../common/blobSource';
import { loadPatientSeries } from '../discovery/loadPatientSeries';
import type { DicomSlice } from '../dicom/types';
import { geometryFromSlices, geometryFromSpacing, type VolumeGeometry } from '../export/geometry';
import { writeNifti } from '../export/nifti';
import { writeDicomSeg } from '../export/dicomSeg';
import { chooseMontageSlices, renderMontage } from '../export/montage';
import { encodePng } from '../export/png';
import { TFJS_WASM_PATHS } from './wasmAssets';
import { loadZlibWasm } from '../archive/zlibWasmBrowser';

let loaded: { id: string; model: tfl.LayersModel; size: number } | null = null;
let backend: BackendName | null = null;

async function modelById(id: string) {
  if (loaded?.id === id) return loaded;
  if (!backend) {
    setWasmPaths(TFJS_WASM_PATHS);
    backend = (await chooseBackend()).backend;
  }
  const db = await openCache();
  const stored = await getModel(db, id);
  if (!stored) throw new Error(`model ${id} is not stored any more`);
  const fit = modelInputSize(stored.model);
  if (!fit.ok) throw new Error(fit.message);
  loaded?.model.dispose();
  loaded = { id, model: await restoreModel(stored.model), size: fit.size };
  return loaded;
}

/** The patient segmented last: its probabilities and what the metrics and exports need. */
interface Session {
  datasetId: string;
  patientKey: string;
  meta: CachedPatient;
  organ: string;
  images: Uint8Array;
  truth: Uint8Array;
  probabilities: Uint8Array;
  modelName: string;
}

let session: Session | null = null;

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
  /** Probabilities × 255, slices × height × width. */
  probabilities: Uint8Array;
}

export interface MaskResult {
  mask: Uint8Array;
  metrics: PatientMetrics;
}

export interface ResultRow {
  patient: string;
  patientKey: string;
  slices: number;
  metrics: PatientMetrics;
}

function spacingOf(meta: CachedPatient): [number, number, number] {
  return meta.spacing ?? [1, 1, 1];
}

function resizeNote(size: number, meta: CachedPatient): string | null {
  if (size === meta.width && size === meta.height) return null;
  const slices = meta.width === meta.height ? `${meta.width}²` : `${meta.width}×${meta.height}`;
  return `model takes ${size}², slices are ${slices}: resized`;
}

function maskAndMetrics(s: Session, settings: MaskSettings): MaskResult {
  const { width: w, height: h, kept: d } = s.meta;
  const mask = maskFromProbabilities(s.probabilities, w, h, d, settings);
  return { mask, metrics: patientMetrics(mask, s.truth, w, h, d, spacingOf(s.meta)) };
}

function current(): Session {
  if (!session) throw new Error('segment a patient first');
  return session;
}

/** The kept CT slices' headers from the dropped originals, or why they cannot be had. */
async function keptCtSlices(s: Session, files: DroppedFile[] | null): Promise<DicomSlice[] | string> {
  if (!files || files.length === 0) return 'the original DICOM files of this patient are not loaded (drop them again)';
  await loadZlibWasm();
  const series = await loadPatientSeries(files.map(blobSource), s.meta.name, s.organ);
  if (!series.ok) return `${series.problem.file}: ${series.problem.message}`;
  const ct = series.value.ct.slice(s.meta.keptFrom, s.meta.keptTo + 1);
  if (ct.length !== s.meta.kept) return `the originals hold ${series.value.ct.length} slices; the cached patient keeps ${s.meta.kept} from ${s.meta.keptFrom}`;
  return ct;
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

  /** Runs the model over every kept slice of one cached patient; keeps the probabilities here for `mask`. */
  async segment(modelId: string, datasetId: string, patientKey: string, onProgress?: (done: number, total: number) => void): Promise<SegmentSummary> {
    const { model, size } = await modelById(modelId);
    const db = await openCache();
    const dataset = await getDataset(db, datasetId);
    const meta = await findPatient(db, patientKey);
    if (!dataset || !meta) throw new Error('this patient is not in the cache any more');
    const { images, masks } = await readPatientVolume(db, meta);
    const t0 = performance.now();
    const probabilities = await predictProbabilities(model, { width: meta.width, height: meta.height, slices: meta.kept, images }, { size, batchSize: 4, onProgress });
    const msPerSlice = (performance.now() - t0) / meta.kept;
    const stored = await getModel(db, modelId);
    session = { datasetId, patientKey, meta, organ: dataset.params.organ, images, truth: masks, probabilities, modelName: stored?.name ?? modelId };
    const copy = probabilities.slice();
    return transfer(
      { name: meta.name, width: meta.width, height: meta.height, slices: meta.kept, modelSize: size, resizeNote: resizeNote(size, meta), backend: backend!, msPerSlice, probabilities: copy },
      [copy.buffer],
    );
  },

  /** The last segmented patient's mask at these settings, and its metrics against the cached truth. */
  mask(settings: MaskSettings): MaskResult {
    const result = maskAndMetrics(current(), settings);
    return transfer(result, [result.mask.buffer]);
  },

  /** Segments every patient of a dataset in turn (nothing kept but the numbers). */
  async segmentAll(modelId: string, datasetId: string, settings: MaskSettings, onProgress?: (done: number, total: number, patient: string) => void): Promise<ResultRow[]> {
    const { model, size } = await modelById(modelId);
    const db = await openCache();
    const dataset = await getDataset(db, datasetId);
    if (!dataset) throw new Error('this dataset is not in the cache any more');
    const rows: ResultRow[] = [];
    const metas = await listPatients(db, dataset.patientKeys);
    for (const [i, meta] of metas.entries()) {
      onProgress?.(i, metas.length, meta.name);
      const { images, masks } = await readPatientVolume(db, meta);
      const probabilities = await predictProbabilities(model, { width: meta.width, height: meta.height, slices: meta.kept, images }, { size, batchSize: 4 });
      const mask = maskFromProbabilities(probabilities, meta.width, meta.height, meta.kept, settings);
      rows.push({ patient: meta.name, patientKey: meta.key, slices: meta.kept, metrics: patientMetrics(mask, masks, meta.width, meta.height, meta.kept, spacingOf(meta)) });
    }
    onProgress?.(metas.length, metas.length, '');
    return rows;
  },

  /** NIfTI of the current mask; positioned from the originals' headers when given, else from the cached spacing only. */
  async exportNifti(settings: MaskSettings, files: DroppedFile[] | null): Promise<{ bytes: Uint8Array; positioned: boolean }> {
    const s = current();
    const ct = await keptCtSlices(s, files);
    const g: VolumeGeometry = typeof ct === 'string' ? geometryFromSpacing(s.meta.width, s.meta.height, s.meta.kept, spacingOf(s.meta)) : geometryFromSlices(ct, 0, ct.length - 1, s.meta.spacing?.[2]);
    const bytes = writeNifti(maskAndMetrics(s, settings).mask, g, `LiverLab ${s.modelName}`);
    return transfer({ bytes, positioned: g.fromDicom }, [bytes.buffer]);
  },

  /** DICOM SEG of the current mask referencing the original CT slices, or why it cannot be made. */
  async exportSeg(settings: MaskSettings, files: DroppedFile[] | null): Promise<{ bytes: Uint8Array } | { problem: string }> {
    const s = current();
    const ct = await keptCtSlices(s, files);
    if (typeof ct === 'string') return { problem: `a DICOM SEG must reference the CT it segments: ${ct}. NIfTI export still works.` };
    const first = ct[0];
    if (!first.studyInstanceUid || !first.seriesInstanceUid || ct.some((c) => !c.sopInstanceUid)) return { problem: 'the CT files lack Study/Series/SOP Instance UIDs: a SEG could not reference them' };
    const bytes = writeDicomSeg(maskAndMetrics(s, settings).mask, {
      patientName: first.patientName ?? s.meta.name,
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      frameOfReferenceUid: null,
      sopInstanceUids: ct.map((c) => c.sopInstanceUid!),
      geometry: geometryFromSlices(ct, 0, ct.length - 1, s.meta.spacing?.[2]),
    }, { algorithmName: s.modelName });
    return transfer({ bytes }, [bytes.buffer]);
  },

  /** PNG montage of six slices spread over the liver: cached image, prediction (orange), truth outline (green). */
  exportPng(settings: MaskSettings): Uint8Array {
    const s = current();
    const { mask } = maskAndMetrics(s, settings);
    const px = s.meta.width * s.meta.height;
    const m = renderMontage({ width: s.meta.width, height: s.meta.height, pixels: s.images, prediction: mask, truth: s.truth }, chooseMontageSlices(mask, s.truth, px));
    const bytes = encodePng(m.rgba, m.width, m.height);
    return transfer(bytes, [bytes.buffer]);
  },
};

export type InferApi = typeof inferApi;
expose(inferApi);
