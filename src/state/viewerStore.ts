// Store: what the viewer shows — which cached patient is selected (plain data: dataset, patient key,
// and whether from the cache or from the dropped originals in HU), the loaded volume, slice, window,
// invert, overlay styles (ground truth outlined from the start; after a segmentation the prediction
// filled over it, the difference one key away), prediction, per-slice stats, the left button's tool,
// the measurements, the voxel under the cursor and the help panel. State plus actions; it
// imports no other store. Putting a patient on screen (selection, loading its volume, dropping the
// old prediction) is src/state/showPatient.ts; what is known of that patient, currentPatient.ts.
// The rendering itself is behind the viewer facade (src/viewer), whose handle is attached here by
// the Viewport component.
import { create } from 'zustand';
import {
  initialWindow,
  sliceStats,
  type DisplayWindow,
  type Measurement,
  type ProbeReading,
  type ViewerTool,
  type OverlayKind,
  type OverlayStyle,
  type PresetName,
  type SliceStats,
  type ViewerHandle,
  type ViewerVolume,
} from '../viewer';

export type VolumeSource = 'cache' | 'files';
/** One axial stack, three linked views (MPR), or two models side by side. */
export type ViewerLayout = 'stack' | 'mpr' | 'compare';

export interface ViewerState {
  datasetId: string | null;
  patientKey: string | null;
  source: VolumeSource;
  layout: ViewerLayout;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  volume: ViewerVolume | null;
  prediction: Uint8Array | null;
  /** The file the prediction was opened from (openSegmentation.ts); null when a model made it. */
  predictionFile: string | null;
  stats: SliceStats[];
  slice: number;
  window: DisplayWindow;
  inverted: boolean;
  overlays: Record<OverlayKind, OverlayStyle>;
  helpOpen: boolean;
  tool: ViewerTool;
  measurements: Measurement[];
  probe: ProbeReading | null;
  /** Truth and prediction visibility before the difference view was switched on by key (D), restored when it goes off. */
  beforeDifference: { truth: boolean; prediction: boolean } | null;
  /** The last segmentation file opened back (src/state/openSegmentation.ts) and what became of it. */
  opened: { file: string; ok: boolean; message: string } | null;
  handle: ViewerHandle | null;
  /** A new selection: what was shown goes; 'loading' until volumeLoaded or loadFailed (showPatient.ts). */
  selected(datasetId: string | null, patientKey: string | null, source: VolumeSource): void;
  volumeLoaded(volume: ViewerVolume): void;
  loadFailed(message: string): void;
  attach(handle: ViewerHandle | null): void;
  setLayout(layout: ViewerLayout): void;
  goToSlice(index: number): void;
  stepSlice(by: number): void;
  setWindow(window: DisplayWindow): void;
  applyPreset(name: PresetName): void;
  reset(): void;
  invert(): void;
  setOverlay(kind: OverlayKind, patch: Partial<OverlayStyle>): void;
  setPrediction(mask: Uint8Array | null): void;
  /** Prediction against the expert: truth outlined, prediction filled, difference off (after a segmentation). */
  showComparison(): void;
  /** One key per overlay: the difference view hides truth and prediction while it is on. */
  toggleOverlay(kind: OverlayKind): void;
  setTool(tool: ViewerTool): void;
  removeMeasurement(id: string): void;
  clearMeasurements(): void;
  toggleHelp(open?: boolean): void;
  /** Called by the viewer's events. */
  sliceShown(index: number): void;
  windowShown(window: DisplayWindow): void;
}

const INITIAL_OVERLAYS: Record<OverlayKind, OverlayStyle> = {
  truth: { visible: true, opacity: 0.45, outline: true },
  prediction: { visible: false, opacity: 0.45, outline: false },
  difference: { visible: false, opacity: 0.6, outline: false },
};

export const useViewerStore = create<ViewerState>((set, get) => ({
  datasetId: null,
  patientKey: null,
  source: 'cache',
  layout: 'stack',
  status: 'idle',
  error: null,
  volume: null,
  prediction: null,
  predictionFile: null,
  stats: [],
  slice: 0,
  window: initialWindow('processed'),
  inverted: false,
  overlays: structuredClone(INITIAL_OVERLAYS),
  helpOpen: false,
  tool: 'windowLevel',
  measurements: [],
  probe: null,
  beforeDifference: null,
  opened: null,
  handle: null,

  selected(datasetId, patientKey, source) {
    // The prediction goes with the old patient: a difference view switched on by key gives back the overlays it hid.
    const { beforeDifference, overlays } = get();
    if (beforeDifference) {
      set({
        beforeDifference: null,
        overlays: {
          truth: { ...overlays.truth, visible: beforeDifference.truth },
          prediction: { ...overlays.prediction, visible: beforeDifference.prediction },
          difference: { ...overlays.difference, visible: false },
        },
      });
    }
    set({ datasetId, patientKey, source, volume: null, prediction: null, predictionFile: null, stats: [], error: null, opened: null, measurements: [], probe: null, status: patientKey ? 'loading' : 'idle' });
  },

  volumeLoaded(volume) {
    set({
      volume,
      status: 'ready',
      slice: Math.floor(volume.slices / 2),
      window: initialWindow(volume.kind),
      inverted: false,
      stats: sliceStats(volume.truth, undefined, volume.width * volume.height, volume.slices),
    });
  },

  loadFailed(message) {
    set({ status: 'error', error: message });
  },

  attach(handle) {
    set({ handle, probe: null, measurements: [] });
    if (!handle) return;
    const { overlays, prediction, tool } = get();
    if (prediction) handle.setPrediction(prediction);
    for (const kind of Object.keys(overlays) as OverlayKind[]) handle.setOverlay(kind, overlays[kind]);
    handle.setTool(tool);
    handle.onProbe((probe) => set({ probe }));
    handle.onMeasurementsChange((measurements) => set({ measurements }));
    set({ slice: handle.getSlice(), window: handle.getWindow(), inverted: handle.isInverted() });
  },

  setLayout(layout) {
    set({ layout });
  },

  goToSlice(index) {
    get().handle?.setSlice(index);
  },

  stepSlice(by) {
    const { handle } = get();
    handle?.setSlice(handle.getSlice() + by);
  },

  setWindow(window) {
    get().handle?.setWindow(window);
  },

  applyPreset(name) {
    const { handle, volume } = get();
    if (!handle || volume?.kind !== 'hu') return;
    handle.setPreset(name);
  },

  reset() {
    const { handle } = get();
    if (!handle) return;
    handle.reset();
    set({ inverted: handle.isInverted(), window: handle.getWindow() });
  },

  invert() {
    const { handle } = get();
    if (!handle) return;
    handle.invert();
    set({ inverted: handle.isInverted() });
  },

  setOverlay(kind, patch) {
    const overlays = { ...get().overlays, [kind]: { ...get().overlays[kind], ...patch } };
    set({ overlays });
    get().handle?.setOverlay(kind, overlays[kind]);
  },

  setPrediction(mask) {
    const { volume, handle } = get();
    if (!volume) return;
    set({ prediction: mask, predictionFile: null, stats: sliceStats(volume.truth, mask ?? undefined, volume.width * volume.height, volume.slices) });
    if (mask) handle?.setPrediction(mask);
  },

  showComparison() {
    const { setOverlay, volume } = get();
    if (volume?.truth) setOverlay('truth', { visible: true, outline: true });
    setOverlay('prediction', { visible: true, outline: false });
    setOverlay('difference', { visible: false });
    set({ beforeDifference: null });
  },
  toggleOverlay(kind) {
    const { overlays, setOverlay, beforeDifference, prediction, volume } = get();
    if ((kind === 'truth' && !volume?.truth) || (kind !== 'truth' && !prediction)) return;
    const on = !overlays[kind].visible;
    if (kind !== 'difference') {
      setOverlay(kind, { visible: on });
      return;
    }
    if (on) {
      set({ beforeDifference: { truth: overlays.truth.visible, prediction: overlays.prediction.visible } });
      setOverlay('truth', { visible: false });
      setOverlay('prediction', { visible: false });
      setOverlay('difference', { visible: true });
    } else {
      setOverlay('difference', { visible: false });
      if (beforeDifference) {
        setOverlay('truth', { visible: beforeDifference.truth });
        setOverlay('prediction', { visible: beforeDifference.prediction });
      }
      set({ beforeDifference: null });
    }
  },
  setTool(tool) {
    const { handle } = get();
    if (handle && !handle.setTool(tool)) return;
    set({ tool });
  },
  removeMeasurement(id) {
    get().handle?.removeMeasurement(id);
  },
  clearMeasurements() {
    get().handle?.clearMeasurements();
  },
  toggleHelp(open) {
    set({ helpOpen: open ?? !get().helpOpen });
  },

  sliceShown(index) {
    set({ slice: index });
  },

  windowShown(window) {
    set({ window, inverted: get().handle?.isInverted() ?? get().inverted });
  },
}));
