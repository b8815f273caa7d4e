// Store: two models on the same patient, side by side. Model A is the viewer's current prediction
// (segment store); model B, picked from the saved models, runs in a second infer worker of its own
// so A's probabilities (and its live threshold) stay untouched. The threshold and "largest
// component" settings apply to both: the segment store hands them over whenever they change
// (settingsChanged), and showPatient.ts tells this store when another patient is shown (forget).
// It imports no other store: the patient on screen comes from currentPatient.ts. State plus
// actions; the views are src/ui/viewer/CompareView.
import { create } from 'zustand';
import { proxy, wrap, type Remote } from 'comlink';
import type { InferApi } from '../workers/infer.worker';
import type { PatientMetrics } from '../metrics/patientMetrics';
import { DEFAULT_MASK_SETTINGS, type MaskSettings } from '../model/probabilityMask';
import { isOnScreen, patientOnScreen } from './currentPatient';

export interface CompareState {
  modelId: string | null;
  status: 'idle' | 'running' | 'ready' | 'error';
  progress: { done: number; total: number } | null;
  error: string | null;
  /** Whose mask this is: model B on this patient. */
  target: { modelId: string; datasetId: string; patientKey: string } | null;
  mask: Uint8Array | null;
  metrics: PatientMetrics | null;
  /** The segment store's threshold and "largest component", which model B's mask is made at too. */
  settings: MaskSettings;
  chooseModel(id: string): void;
  run(): Promise<void>;
  /** The segment store's settings changed: model B's mask is made again at them. */
  settingsChanged(settings: MaskSettings): void;
  /** Another patient on screen: model B's mask no longer applies (the worker is kept for the next run). */
  forget(): void;
}

let api: Remote<InferApi> | null = null;

function compareWorker(): Remote<InferApi> {
  if (!api) {
    api = wrap<InferApi>(new Worker(new URL('../workers/infer.worker.ts', import.meta.url), { type: 'module', name: 'infer-compare' }));
  }
  return api;
}

export const useCompareStore = create<CompareState>((set, get) => ({
  modelId: null,
  status: 'idle',
  progress: null,
  error: null,
  target: null,
  mask: null,
  metrics: null,
  settings: { ...DEFAULT_MASK_SETTINGS },

  chooseModel(id) {
    set({ modelId: id });
  },

  async run() {
    const { modelId } = get();
    const shown = patientOnScreen();
    if (!modelId || !shown || shown.source !== 'cache') return;
    const { datasetId, patientKey } = shown;
    set({ status: 'running', progress: { done: 0, total: 1 }, error: null, mask: null, metrics: null, target: null });
    try {
      const summary = await compareWorker().segment(modelId, datasetId, patientKey, null, proxy((done: number, total: number) => set({ progress: { done, total } })));
      console.log(`[measure] compare model B on ${summary.name}: ${summary.msPerSlice.toFixed(1)} ms per slice on ${summary.backend}`);
      if (!isOnScreen(datasetId, patientKey)) return set({ status: 'idle', progress: null });
      set({ target: { modelId, datasetId, patientKey }, progress: null });
      await remask();
      set({ status: 'ready' });
    } catch (e) {
      set({ status: 'error', error: e instanceof Error ? e.message : String(e), progress: null });
    }
  },

  settingsChanged(settings) {
    set({ settings });
    void remask().catch((e: unknown) => set({ error: String(e) }));
  },

  forget() {
    set({ target: null, mask: null, metrics: null, status: 'idle', progress: null });
  },
}));

/** Model B's mask at the segment store's settings (the same threshold as model A). */
async function remask(): Promise<void> {
  const { target, settings } = useCompareStore.getState();
  if (!target || !api) return;
  const { mask, metrics } = await api.mask(settings);
  if (useCompareStore.getState().target !== target) return;
  useCompareStore.setState({ mask, metrics });
}
