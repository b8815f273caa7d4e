// Store: the label being edited in the viewer — where it started (the prediction, the expert's mask,
// or nothing), the editing tool and its settings, undo / redo availability, the patient's stored
// labels, saving (a new label, or edits to the one open), exporting it (DICOM SEG, NIfTI) and opening
// a SEG or NIfTI file as a new label (both in labelFiles.ts). The pixels live in the
// viewer (Cornerstone's labelmap, through the facade's handle); the records in IndexedDB
// (storage/labels.ts), never over the expert's mask or a prediction. A label being edited goes with
// the view: switching between the stack and MPR layouts hands the edited mask, unsaved edits
// included, to the new viewer (only the undo history starts again). Fine-tuning on a saved label is
// finetuneStore.ts.
import { create } from 'zustand';
import type { EditTool } from '../viewer';
import { openCache } from '../storage/schema';
import { addLabel, deleteLabel, getLabel, listLabels, saveLabelEdits } from '../storage/labels';
import { announce, onOtherTabChange } from '../storage/tabSync';
import { labelMask, newLabel, withEdits, type EditedLabel, type LabelOrigin } from '../storage/labelRecord';
import { exportLabelFile, labelFromFile, type LabelFileKind } from './labelFiles';
import { useViewerStore } from './viewerStore';
import { useSegmentStore } from './segmentStore';
import { cachedPatientOf, patientOnScreen } from './currentPatient';

export const TOOL_KEYS: Record<EditTool, string> = { brush: 'B', eraser: 'X', thresholdBrush: 'T', fill: 'F', grow: 'O' };

export interface LabelState {
  editing: boolean;
  /** The label open: a stored record, or a draft not saved yet (`stored` false). */
  label: EditedLabel | null;
  stored: boolean;
  labels: EditedLabel[];
  tool: EditTool;
  brushSize: number;
  range: [number, number];
  canUndo: boolean;
  canRedo: boolean;
  /** Tools used since the last save, recorded with the edit. */
  toolsUsed: string[];
  message: string | null;
  refresh(): Promise<void>;
  start(origin: LabelOrigin): Promise<void>;
  open(id: string): Promise<void>;
  saveAsNew(): Promise<void>;
  save(): Promise<void>;
  stop(): void;
  /** Deletes a stored label (not the one open for editing); the expert's mask and the predictions are never touched. */
  remove(id: string): Promise<void>;
  setTool(tool: EditTool): void;
  setBrushSize(mm: number): void;
  setRange(range: [number, number]): void;
  undo(): void;
  redo(): void;
  /** The label on screen as a DICOM SEG or NIfTI download. */
  exportFile(kind: LabelFileKind): Promise<void>;
  /** A DICOM SEG or NIfTI file opened as a new label (a draft until saved). */
  openFile(file: File): Promise<void>;
}

const newId = () => `label-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export const useLabelStore = create<LabelState>((set, get) => ({
  editing: false,
  label: null,
  stored: false,
  labels: [],
  tool: 'brush',
  brushSize: 8,
  range: [-100, 250],
  canUndo: false,
  canRedo: false,
  toolsUsed: [],
  message: null,

  async refresh() {
    const shown = patientOnScreen();
    set({ labels: shown ? await listLabels(await openCache(), shown.patientKey) : [] });
  },

  async start(origin) {
    const { volume, prediction, patientKey, source, predictionFile } = useViewerStore.getState();
    const shown = patientOnScreen();
    if (!volume || !patientKey || !shown) return;
    const px = volume.width * volume.height;
    const mask = origin === 'prediction' ? prediction : origin === 'expert' ? (volume.truth ?? null) : new Uint8Array(px * volume.slices);
    if (!mask) return set({ message: origin === 'prediction' ? 'segment the patient first: there is no prediction to start from' : 'this patient has no expert mask' });
    const cached = await cachedPatientOf(patientKey);
    const segment = useSegmentStore.getState();
    const model = origin === 'prediction' && !predictionFile ? (segment.models.find((m) => m.id === segment.modelId) ?? null) : null;
    const draft = newLabel(
      {
        id: newId(),
        name: `${shown.name ?? volume.name} · ${origin === 'prediction' ? `corrected ${predictionFile ?? model?.name ?? 'prediction'}` : origin === 'expert' ? 'edited expert mask' : 'drawn'}`,
        patientKey,
        patientName: shown.name ?? volume.name,
        width: volume.width,
        height: volume.height,
        slices: volume.slices,
        firstSlice: source === 'cache' ? (cached?.keptFrom ?? 0) : 0,
        origin,
        model: model ? { id: model.id, name: model.name } : null,
      },
      mask,
    );
    begin(draft, false, mask);
  },

  async open(id) {
    const label = await getLabel(await openCache(), id);
    const volume = useViewerStore.getState().volume;
    if (!label || !volume) return set({ message: 'that label is not stored any more' });
    if (label.width !== volume.width || label.height !== volume.height || label.slices !== volume.slices) {
      return set({ message: `${label.name} covers ${label.slices} slices of ${label.width}×${label.height}; the view shows ${volume.slices} of ${volume.width}×${volume.height} (switch between cached and HU images)` });
    }
    begin(label, true, labelMask(label));
  },

  async saveAsNew() {
    const { label, toolsUsed } = get();
    const mask = useViewerStore.getState().handle?.getEditedLabel();
    if (!label || !mask) return;
    const base: EditedLabel = get().stored ? { ...label, id: newId(), parentLabelId: label.id, name: `${label.name} (copy)`, createdAt: Date.now() } : label;
    const record = withEdits(base, mask, toolsUsed);
    try {
      await addLabel(await openCache(), record);
      announce({ kind: 'labels', patientKey: record.patientKey });
      set({ label: record, stored: true, toolsUsed: [], message: `saved as a new label: ${record.name} (${record.edited.length} edited slices)` });
      await get().refresh();
    } catch (e) {
      set({ message: e instanceof Error ? e.message : String(e) });
    }
  },

  async save() {
    const { label, stored, toolsUsed } = get();
    if (!stored) return get().saveAsNew();
    const mask = useViewerStore.getState().handle?.getEditedLabel();
    if (!label || !mask) return;
    const record = withEdits(label, mask, toolsUsed);
    if (record === label) return set({ message: 'nothing changed since the last save' });
    try {
      await saveLabelEdits(await openCache(), record);
      announce({ kind: 'labels', patientKey: record.patientKey });
      set({ label: record, toolsUsed: [], message: `saved ${record.name} (${record.edited.length} edited slices)` });
      await get().refresh();
    } catch (e) {
      set({ message: e instanceof Error ? e.message : String(e) });
    }
  },

  stop() {
    carried = null;
    useViewerStore.getState().handle?.stopEditing();
    set({ editing: false, label: null, stored: false, canUndo: false, canRedo: false, toolsUsed: [] });
  },

  async remove(id) {
    const { label, editing } = get();
    if (editing && label?.id === id) return set({ message: 'close the label before deleting it' });
    const stored = get().labels.find((l) => l.id === id);
    if (!stored) return;
    await deleteLabel(await openCache(), id);
    announce({ kind: 'labels', patientKey: stored.patientKey });
    set({ message: `deleted ${stored.name}` });
    await get().refresh();
  },

  setTool(tool) {
    set({ tool });
    if (get().editing) useViewerStore.getState().handle?.setEditTool(tool);
  },

  setBrushSize(mm) {
    set({ brushSize: mm });
    useViewerStore.getState().handle?.setBrushSize(mm);
  },

  setRange(range) {
    set({ range });
    useViewerStore.getState().handle?.setEditRange(range);
  },

  undo() {
    useViewerStore.getState().handle?.undoEdit();
  },

  redo() {
    useViewerStore.getState().handle?.redoEdit();
  },

  async exportFile(kind) {
    const { label } = get();
    const mask = useViewerStore.getState().handle?.getEditedLabel();
    if (!label || !mask) return;
    set({ message: `writing the ${kind === 'seg' ? 'DICOM SEG' : 'NIfTI'}…` });
    set({ message: await exportLabelFile(kind, label, mask) });
  },

  async openFile(file) {
    const opened = await labelFromFile(file, newId());
    if (!('draft' in opened)) return set({ message: opened.message });
    begin(opened.draft, false, opened.mask);
    if (get().editing) set({ message: opened.message });
  },
}));

/** Puts `label` (pixels `mask`) in the viewer as the editable label, with the store's tool and settings. */
function begin(label: EditedLabel, stored: boolean, mask: Uint8Array, toolsUsed: string[] = [], message?: string): void {
  const { handle } = useViewerStore.getState();
  const { tool, brushSize, range } = useLabelStore.getState();
  carried = null;
  if (!handle?.startEditing(mask)) return useLabelStore.setState({ message: 'this view cannot edit labels' });
  handle.setBrushSize(brushSize);
  handle.setEditRange(range);
  handle.setEditTool(tool);
  const opened = stored ? `opened ${label.name}` : `editing a new label from ${startedFrom(label)}`;
  useLabelStore.setState({ editing: true, label, stored, toolsUsed, message: message ?? opened });
}

/** What a new label started from, as the label panel says it. */
function startedFrom(label: EditedLabel): string {
  if (label.origin === 'empty') return 'an empty mask';
  if (label.origin === 'expert') return "the expert's mask";
  if (label.origin === 'file') return `the file ${label.file ?? ''}`.trim();
  return 'the prediction';
}

/** The label as edited in the viewer that is going away (a layout switch), handed to the next one. */
let carried: { mask: Uint8Array; toolsUsed: string[] } | null = null;

const layoutName = () => (useViewerStore.getState().layout === 'mpr' ? 'MPR' : 'stack');

// The viewer's history and tools: keep the store in step with the handle that is attached.
let unsubscribeLabel: (() => void) | null = null;
useViewerStore.subscribe((state, before) => {
  if (state.handle === before.handle) {
    if (state.patientKey !== before.patientKey || state.source !== before.source) {
      carried = null;
      if (useLabelStore.getState().editing) useLabelStore.setState({ editing: false, label: null, stored: false, canUndo: false, canRedo: false });
      void useLabelStore.getState().refresh();
    }
    return;
  }
  unsubscribeLabel?.();
  unsubscribeLabel = null;
  // The viewer going away (still alive here: it is detached before it is destroyed) keeps what was edited.
  const { editing, label, stored, toolsUsed } = useLabelStore.getState();
  const edited = editing ? before.handle?.getEditedLabel() : null;
  if (edited) carried = { mask: edited, toolsUsed };
  if (!state.handle) return;
  unsubscribeLabel = state.handle.onLabelChange(({ canUndo, canRedo }) => {
    const { tool, toolsUsed } = useLabelStore.getState();
    useLabelStore.setState({ canUndo, canRedo, toolsUsed: toolsUsed.includes(tool) ? toolsUsed : [...toolsUsed, tool] });
  });
  // A new viewer (another layout, or the same patient again): the label being edited is shown there as it was edited.
  if (!editing || !label) return;
  if (carried) begin(label, stored, carried.mask, carried.toolsUsed, `${layoutName()}: the label as edited so far (undo starts again here)`);
  else begin(label, stored, labelMask(label));
});

// Another tab saved or deleted a label: the list of the patient on screen shows the labels as they are now.
onOtherTabChange((change) => {
  if (change.kind === 'labels' && patientOnScreen()?.patientKey === change.patientKey) void useLabelStore.getState().refresh();
});
