// Store: segmentation in the viewer — the models to choose from, the running inference and its
// progress, which slices to segment (the whole scan from the dropped originals, or the cached kept
// slab), the threshold and "largest component" settings, the current patient's metrics (and the kept
// slab's beside a whole scan's), the results table across a dataset (sorted by a column) and the
// exports. State plus actions; the model, the probabilities and every per-voxel step live in the
// infer worker; the mask goes to the viewer store (fitted to the slices on screen: the whole series in
// HU, or the cached slab), the settings to the compare store (model B is masked at the same ones).
// Which patient is on screen and its files: currentPatient.ts. When another patient is shown,
// showPatient.ts calls patientChanged, which drops a prediction made for a different one, and
// volumeShown, which draws the prediction again on the new images.
import { create } from 'zustand';
import { proxy } from 'comlink';
import type { PatientMetrics } from '../metrics/patientMetrics';
import { DEFAULT_MASK_SETTINGS, type MaskSettings } from '../model/probabilityMask';
import { openCache } from '../storage/schema';
import { listModels, type ModelListing } from '../storage/runs';
import { onOtherTabChange } from '../storage/tabSync';
import { ensureStarterModel } from './starterModel';
import { inferWorker } from '../workers/inferClient';
import type { ResultRow } from '../workers/infer.worker';
import { downloadBlob } from '../workers/exportClient';
import { useViewerStore, type VolumeSource } from './viewerStore';
import { cachedEntryOf, cachedPatientOf, isOnScreen, originalsOf, patientOnScreen } from './currentPatient';
import { useCompareStore } from './compareStore';

export type ModelMeta = ModelListing;
export type ResultColumn = 'patient' | 'slices' | 'dice' | 'iou' | 'hausdorff95Mm' | 'predictedMl' | 'trueMl';

export interface SegmentTarget {
  datasetId: string;
  patientKey: string;
  /** What was segmented: the whole scan, or the cached kept slab. */
  scope: 'scan' | 'slab';
  /** Where the segmented slices start in the patient's CT series, and how many there are. */
  seriesOffset: number;
  slices: number;
  /** The kept slab (first, last) within a whole scan with ground truth. */
  slab: [number, number] | null;
  /** Where the cached slices start in the series (the cached view's first slice). */
  keptFrom: number;
}

export interface SegmentState {
  models: ModelMeta[];
  modelId: string | null;
  status: 'idle' | 'running' | 'ready' | 'error';
  progress: { done: number; total: number } | null;
  /** Which patient the current prediction belongs to. */
  target: SegmentTarget | null;
  resizeNote: string | null;
  timing: string | null;
  error: string | null;
  settings: MaskSettings;
  /** Whole scan (when the originals are loaded) or the cached kept slab: what "Segment this patient" runs on. */
  scopeChoice: 'scan' | 'slab';
  metrics: PatientMetrics | null;
  /** The kept slab's metrics beside a whole scan's. */
  slabMetrics: PatientMetrics | null;
  results: ResultRow[];
  resultsDatasetId: string | null;
  resultsStatus: 'idle' | 'running' | 'ready' | 'error';
  resultsProgress: string | null;
  /** Patients segmented so far by "Segment all", and how many there are (for its progress bar). */
  resultsCount: { done: number; total: number } | null;
  sort: { column: ResultColumn; descending: boolean };
  exportMessage: string | null;
  loadModels(): Promise<void>;
  chooseModel(id: string): void;
  chooseScope(scope: 'scan' | 'slab'): void;
  segmentCurrent(): Promise<void>;
  setThreshold(threshold: number): void;
  setLargestComponent(on: boolean): void;
  segmentAll(datasetId: string): Promise<void>;
  sortBy(column: ResultColumn): void;
  exportFile(kind: 'nifti' | 'seg' | 'png'): Promise<void>;
  exportCsv(): void;
  /** Another patient or image source on screen: the prediction goes unless it is this patient's on the cached images. */
  patientChanged(shown: { datasetId: string | null; patientKey: string | null; source: VolumeSource }): void;
  /** New images on screen (another source of the same patient): the prediction is drawn on them. */
  volumeShown(): void;
}

let maskInFlight = false;
let maskPending = false;

export const useSegmentStore = create<SegmentState>((set, get) => ({
  models: [],
  modelId: null,
  status: 'idle',
  progress: null,
  target: null,
  resizeNote: null,
  timing: null,
  error: null,
  settings: { ...DEFAULT_MASK_SETTINGS },
  scopeChoice: 'scan',
  metrics: null,
  slabMetrics: null,
  results: [],
  resultsDatasetId: null,
  resultsStatus: 'idle',
  resultsProgress: null,
  resultsCount: null,
  sort: { column: 'patient', descending: false },
  exportMessage: null,

  async loadModels() {
    await ensureStarterModel();
    const models = await listModels(await openCache());
    const keep = models.some((m) => m.id === get().modelId);
    set({ models, modelId: keep ? get().modelId : (models[0]?.id ?? null) });
  },

  chooseModel(id) {
    set({ modelId: id });
  },

  chooseScope(scope) {
    set({ scopeChoice: scope });
  },

  async segmentCurrent() {
    const { modelId, scopeChoice } = get();
    const shown = patientOnScreen();
    if (!modelId || !shown) return;
    const { datasetId, patientKey } = shown;
    // An ONNX model's sidecar says the threshold its maker chose: its prediction starts there.
    const threshold = get().models.find((m) => m.id === modelId)?.threshold;
    if (threshold !== undefined && threshold !== get().settings.threshold) {
      const settings = { ...get().settings, threshold };
      set({ settings });
      useCompareStore.getState().settingsChanged(settings);
    }
    const originals = scopeChoice === 'scan' && shown.name ? originalsOf(shown.name) : null;
    set({ status: 'running', progress: { done: 0, total: 1 }, error: null, metrics: null, slabMetrics: null, target: null, exportMessage: null });
    try {
      const api = inferWorker();
      const summary = await api.segment(modelId, datasetId, patientKey, originals, proxy((done: number, total: number) => set({ progress: { done, total } })));
      console.log(`[measure] inference ${summary.name}: ${summary.msPerSlice.toFixed(1)} ms per slice on ${summary.backend} (${summary.slices} slices, ${summary.scope === 'scan' ? 'whole scan' : 'kept slab'}, model ${summary.modelSize}²)`);
      const cached = await cachedPatientOf(patientKey);
      if (!isOnScreen(datasetId, patientKey)) return set({ status: 'idle', progress: null });
      const { scope, seriesOffset, slices, slab } = summary;
      set({
        status: 'ready',
        target: { datasetId, patientKey, scope, seriesOffset, slices, slab, keptFrom: cached?.keptFrom ?? seriesOffset },
        resizeNote: summary.resizeNote,
        timing: `${summary.msPerSlice.toFixed(1)} ms per slice on ${summary.backend.toUpperCase()} · ${((summary.msPerSlice * summary.slices) / 1000).toFixed(1)} s for ${summary.slices} slices`,
      });
      await applyMask();
      // A fresh prediction is what the user came for: show it against the expert's mask.
      useViewerStore.getState().showComparison();
    } catch (e) {
      set({ status: 'error', error: e instanceof Error ? e.message : String(e), progress: null });
    }
  },

  setThreshold(threshold) {
    settingsChanged({ ...get().settings, threshold });
  },

  setLargestComponent(on) {
    settingsChanged({ ...get().settings, largestComponent: on });
  },

  async segmentAll(datasetId) {
    const { modelId, settings } = get();
    if (!modelId) return;
    set({ resultsStatus: 'running', resultsProgress: 'starting…', resultsCount: null, results: [], resultsDatasetId: datasetId });
    try {
      const rows = await inferWorker().segmentAll(
        modelId,
        datasetId,
        settings,
        proxy((done: number, total: number, patient: string) => set({ resultsProgress: done < total ? `${done + 1} / ${total}: ${patient}` : null, resultsCount: { done, total } })),
      );
      set({ results: rows, resultsStatus: 'ready', resultsProgress: null, resultsCount: null });
    } catch (e) {
      set({ resultsStatus: 'error', resultsProgress: e instanceof Error ? e.message : String(e), resultsCount: null });
    }
  },

  sortBy(column) {
    const { sort } = get();
    set({ sort: { column, descending: sort.column === column ? !sort.descending : column !== 'patient' } });
  },

  async exportFile(kind) {
    const { settings, target } = get();
    if (!target) return;
    const name = cachedEntryOf(target.datasetId, target.patientKey)?.name ?? 'patient';
    const base = `${name.replace(/[^\w.-]+/g, '_')}-liver`;
    try {
      const api = inferWorker();
      if (kind === 'png') {
        downloadBlob(new Blob([(await api.exportPng(settings)) as Uint8Array<ArrayBuffer>], { type: 'image/png' }), `${base}.png`);
        return set({ exportMessage: `${base}.png saved` });
      }
      const originals = originalsOf(name);
      if (kind === 'nifti') {
        const { bytes, positioned } = await api.exportNifti(settings, originals);
        downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/gzip' }), `${base}.nii.gz`);
        return set({ exportMessage: positioned ? `${base}.nii.gz saved (positioned from the DICOM headers)` : `${base}.nii.gz saved; the originals are not loaded, so it is positioned from the cached spacing only (origin 0, axial)` });
      }
      const seg = await api.exportSeg(settings, originals);
      if ('problem' in seg) return set({ exportMessage: seg.problem });
      downloadBlob(new Blob([seg.bytes as Uint8Array<ArrayBuffer>], { type: 'application/dicom' }), `${base}.seg.dcm`);
      set({ exportMessage: `${base}.seg.dcm saved (references the CT slices it segments)` });
    } catch (e) {
      set({ exportMessage: `export failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  },

  exportCsv() {
    const rows = sortedResults(get().results, get().sort);
    const cell = (v: number | null, digits: number) => (v === null ? '' : v.toFixed(digits));
    const lines = [
      'patient,slices,dice,iou,hausdorff95_mm,predicted_ml,true_ml',
      ...rows.map((r) => [csvText(r.patient), r.slices, cell(r.metrics.dice, 4), cell(r.metrics.iou, 4), cell(r.metrics.hausdorff95Mm, 2), cell(r.metrics.predictedMl, 2), cell(r.metrics.trueMl, 2)].join(',')),
    ];
    downloadBlob(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), 'liverlab-results.csv');
  },

  patientChanged(shown) {
    const { target } = get();
    if (target && (target.datasetId !== shown.datasetId || target.patientKey !== shown.patientKey)) {
      set({ target: null, metrics: null, slabMetrics: null, status: 'idle', progress: null, resizeNote: null, exportMessage: null });
    }
  },

  volumeShown() {
    if (get().target) void applyMask();
  },
}));

/** New settings: model A re-masked here, model B in the compare store. */
function settingsChanged(settings: MaskSettings): void {
  useSegmentStore.setState({ settings });
  void applyMask();
  useCompareStore.getState().settingsChanged(settings);
}

/** Re-binarises in the worker at the current settings; a call during one in flight runs once more after it (latest wins). */
async function applyMask(): Promise<void> {
  if (maskInFlight) {
    maskPending = true;
    return;
  }
  maskInFlight = true;
  try {
    do {
      maskPending = false;
      const { target, settings } = useSegmentStore.getState();
      if (!target) return;
      const { mask, metrics, slabMetrics } = await inferWorker().mask(settings);
      if (!isOnScreen(target.datasetId, target.patientKey)) return;
      const viewer = useViewerStore.getState();
      const onScreen = viewer.volume && fitToSlices(mask, target, viewer.volume, viewer.source === 'cache' ? target.keptFrom : 0);
      if (onScreen) viewer.setPrediction(onScreen);
      useSegmentStore.setState({ metrics, slabMetrics });
    } while (maskPending);
  } catch (e) {
    useSegmentStore.setState({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    maskInFlight = false;
  }
}

/**
 * The mask of the segmented slices on the slices on screen (the whole series from `volumeOffset` 0, or
 * the cached slab from keptFrom): slices segmented and shown are copied, the others shown empty. Null
 * when the images are of another size.
 */
function fitToSlices(mask: Uint8Array, target: SegmentTarget, volume: { width: number; height: number; slices: number }, volumeOffset: number): Uint8Array | null {
  const px = volume.width * volume.height;
  if (mask.length !== target.slices * px) return null;
  if (volumeOffset === target.seriesOffset && volume.slices === target.slices) return mask;
  const out = new Uint8Array(volume.slices * px);
  for (let v = 0; v < volume.slices; v++) {
    const k = volumeOffset + v - target.seriesOffset;
    if (k >= 0 && k < target.slices) out.set(mask.subarray(k * px, (k + 1) * px), v * px);
  }
  return out;
}

export function sortedResults(rows: ResultRow[], sort: SegmentState['sort']): ResultRow[] {
  const value = (r: ResultRow): string | number | null => (sort.column === 'patient' ? r.patient : sort.column === 'slices' ? r.slices : r.metrics[sort.column]);
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === y) return 0;
    if (x === null) return 1; // missing values last either way
    if (y === null) return -1;
    const order = typeof x === 'string' ? x.localeCompare(String(y), undefined, { numeric: true }) : x - (y as number);
    return sort.descending ? -order : order;
  });
}

function csvText(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// Another tab stored or deleted a model (an import, a fine-tune, a run's new best epoch): the picker lists the models as they are now.
onOtherTabChange((change) => {
  if (change.kind === 'models' || change.kind === 'runs') void useSegmentStore.getState().loadModels();
});
