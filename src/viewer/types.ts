// The viewer's data contract and the facade's handle: what the rest of the app hands to the
// viewer and how it drives it. Pure types: nothing here imports Cornerstone, so the UI, stores
// and tests can depend on it without loading the rendering engine.

/** One patient's stack as the viewer shows it: slices × height × width, row-major. */
export interface ViewerVolume {
  name: string;
  width: number;
  height: number;
  slices: number;
  /** [row, column, slice] spacing in mm. */
  spacing: [number, number, number];
  /** 'hu': Hounsfield units from the original files; 'processed': cached uint8 (windowed + CLAHE). */
  kind: 'hu' | 'processed';
  pixels: Int16Array | Uint8Array;
  /** Ground truth, 0/1, same shape as `pixels`. */
  truth?: Uint8Array;
  /** Model prediction, 0/1, same shape as `pixels`. */
  prediction?: Uint8Array;
}

/** A display window in the volume's own units (HU, or 0..255 for processed volumes). */
export interface DisplayWindow {
  width: number;
  center: number;
}

export type PresetName = 'softTissue' | 'lung' | 'liver' | 'bone' | 'pipeline';

export type OverlayKind = 'truth' | 'prediction' | 'difference';

export interface OverlayStyle {
  visible: boolean;
  /** Fill opacity 0..1. */
  opacity: number;
  /** true: outline only; false: filled with an outline. */
  outline: boolean;
}

export type Unsubscribe = () => void;

/** What the left mouse button does in a stack viewer: window/level, or draw a measurement. */
export type ViewerTool = 'windowLevel' | 'length' | 'ellipse';

/**
 * Editing tools on the label (stack view): circular brush and eraser, a brush limited to a value range
 * (HU, or grey levels on cached images), fill a closed contour, grow a region from a click within the range.
 */
export type EditTool = 'brush' | 'eraser' | 'thresholdBrush' | 'fill' | 'grow';

/** The voxel under the cursor: its indices, its centre in mm (the viewer's LPS world) and its value. */
export interface ProbeReading {
  column: number;
  row: number;
  slice: number;
  /** [x, y, z] in mm. */
  position: [number, number, number];
  /** HU for 'hu' volumes, the stored grey level (0–255) for 'processed' ones. */
  value: number;
}

/** A length or an elliptical ROI drawn on a slice, with what Cornerstone measured. */
export interface Measurement {
  id: string;
  kind: 'length' | 'ellipse';
  /** 0-based slice it was drawn on. */
  slice: number | null;
  lengthMm?: number;
  areaMm2?: number;
  mean?: number;
  stdDev?: number;
  /** 'HU', or '' for the cached grey levels. */
  unit: string;
}

/** What `createViewer` returns: the whole surface the app may use. */
export interface ViewerHandle {
  readonly sliceCount: number;
  setSlice(index: number): void;
  /** The slice shown, or requested and about to be shown. */
  getSlice(): number;
  onSliceChange(listener: (index: number) => void): Unsubscribe;
  setWindow(window: DisplayWindow): void;
  getWindow(): DisplayWindow;
  onWindowChange(listener: (window: DisplayWindow) => void): Unsubscribe;
  /** Throws for a 'processed' volume: HU presets mean nothing on windowed + CLAHE images. */
  setPreset(name: PresetName): void;
  /** Camera (zoom, pan), window and invert back to their initial state; the slice is kept. */
  reset(): void;
  invert(): void;
  isInverted(): boolean;
  setOverlay(kind: OverlayKind, style: Partial<OverlayStyle>): void;
  /** Shows a 0/1 prediction of the same shape as the volume (and the difference view from it). */
  setPrediction(mask: Uint8Array): void;
  /** The left button's tool; false when this viewer has no such tool (MPR: the crosshairs). */
  setTool(tool: ViewerTool): boolean;
  onMeasurementsChange(listener: (measurements: Measurement[]) => void): Unsubscribe;
  removeMeasurement(id: string): void;
  clearMeasurements(): void;
  /** The voxel under the cursor as it moves (null when it leaves the image). */
  onProbe(listener: (reading: ProbeReading | null) => void): Unsubscribe;
  /** Shows `label` (0/1, the volume's shape) as the editable label; false when this viewer cannot edit (MPR). */
  startEditing(label: Uint8Array): boolean;
  /** Hides the editable label; the left button goes back to its tool. */
  stopEditing(): void;
  /** The left button's editing tool (null: back to the viewer tool). */
  setEditTool(tool: EditTool | null): void;
  /** Brush and eraser radius in mm (Cornerstone's brushSize). */
  setBrushSize(mm: number): void;
  /** The value range of the threshold brush and of grow-from-click. */
  setEditRange(range: [number, number]): void;
  /** The label as edited so far (null when not editing). */
  getEditedLabel(): Uint8Array | null;
  undoEdit(): void;
  redoEdit(): void;
  /** After each change of the edited label, with whether undo / redo are possible. */
  onLabelChange(listener: (history: { canUndo: boolean; canRedo: boolean }) => void): Unsubscribe;
  /** Cornerstone's ids of the (main) viewport, for linking viewers (link.ts); opaque to the app. */
  readonly viewportRef: { renderingEngineId: string; viewportId: string };
  destroy(): void;
}
