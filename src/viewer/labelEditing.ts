// Editing a label with Cornerstone3D's own segmentation tools, in the stack viewport or the three MPR
// panes alike: the label is a labelmap segmentation (labelmaps.ts: derived images per slice for the
// stack, a labelmap volume for MPR), made each pane's active one; BrushTool instances for the circular
// brush (FILL_INSIDE_CIRCLE), the eraser (ERASE_INSIDE_CIRCLE) and the brush limited to a value range
// (THRESHOLD_INSIDE_CIRCLE: HU, or grey levels on cached images); and two click tools of ours
// (regionFill.ts) on the plane clicked (labelPlanes.ts: axial, coronal or sagittal): fill a closed
// contour, grow from a click within the range. Every edit goes through core's DefaultHistoryMemo (the
// brushes record their own strokes, on stack and volume labelmaps; the click tools push a memo of the
// voxels they set), so undo and redo are Cornerstone's, at least UNDO_STEPS deep. Never writes the
// CT, the truth or the prediction overlays.
import { cache, eventTarget, utilities as coreUtilities, type Types } from '@cornerstonejs/core';
import { BrushTool, Enums, segmentation, utilities, type ToolGroupManager } from '@cornerstonejs/tools';
import { closedRegionAt, grownRegionAt } from './regionFill';
import { axisOfNormal, planeThrough, planeValues } from './labelPlanes';
import { voxelAt } from './probe';
import { createListeners } from './listeners';
import type { LabelLabelmap } from './labelmaps';
import type { EditTool, Unsubscribe, ViewerVolume } from './types';

const { DefaultHistoryMemo } = coreUtilities.HistoryMemo;

/** Undo depth: the issue asks for at least 50 steps. */
export const UNDO_STEPS = 100;

/** Our BrushTool instances and the strategy each runs. */
export const BRUSH_INSTANCES = {
  brush: { name: 'LiverLabBrush', strategy: 'FILL_INSIDE_CIRCLE' },
  eraser: { name: 'LiverLabEraser', strategy: 'ERASE_INSIDE_CIRCLE' },
  thresholdBrush: { name: 'LiverLabThresholdBrush', strategy: 'THRESHOLD_INSIDE_CIRCLE' },
} as const;

export type ToolGroup = NonNullable<ReturnType<typeof ToolGroupManager.getToolGroup>>;

export interface LabelEditor {
  /** Replaces the label's content (shape of the volume, > 0: organ); the undo history is cleared. */
  setLabel(mask: Uint8Array): void;
  /** The label as it is now, 0/1, slices × height × width. */
  getLabel(): Uint8Array;
  /** Makes the label the active segmentation and `tool` the left button's (brush tools), or arms a click tool. */
  activate(tool: EditTool): void;
  /** Leaves the label shown and the brushes passive. */
  deactivate(): void;
  setBrushSize(mm: number): void;
  setRange(range: [number, number]): void;
  undo(): void;
  redo(): void;
  canUndo(): boolean;
  canRedo(): boolean;
  /** After every change of the label (a stroke, a click tool, undo, redo). */
  onChange(listener: () => void): Unsubscribe;
  destroy(): void;
}

/**
 * Registers our brush instances in a viewer's tool group (passive until activated). `thresholdVolumeId`:
 * the CT volume the range brush reads (MPR: without it the tool may pick an overlay's labelmap volume of
 * the same size as its reference).
 */
export function addBrushTools(group: ToolGroup, thresholdVolumeId?: string): void {
  for (const { name, strategy } of Object.values(BRUSH_INSTANCES)) {
    const threshold = { range: [-100, 250], isDynamic: false, ...(thresholdVolumeId ? { volumeId: thresholdVolumeId } : {}) };
    group.addToolInstance(name, BrushTool.toolName, { activeStrategy: strategy, brushSize: 8, threshold });
  }
}

/** One view the label is edited in. */
export interface EditPane {
  element: HTMLDivElement;
  viewport: () => Types.IViewport;
}

export function createLabelEditor(options: {
  panes: EditPane[];
  labelmap: LabelLabelmap;
  group: ToolGroup;
  groupId: string;
  volume: ViewerVolume;
  /** Frees the left button of the viewer's own tools (window/level, measurements, crosshairs). */
  freeLeftButton: () => void;
  /** Puts the left button back to what it was. */
  restoreTool: () => void;
  render: () => void;
}): LabelEditor {
  const { panes, labelmap, group, groupId, volume } = options;
  const { segmentationId, labelmapIds } = labelmap;
  const px = volume.width * volume.height;
  const dims = [volume.width, volume.height, volume.slices] as const;
  const scalarsOf = (s: number): Uint8Array => {
    const image = cache.getImage(labelmapIds[s]);
    if (!image?.voxelManager) throw new Error(`label slice ${s} is not in the cache`);
    return image.voxelManager.getScalarData() as Uint8Array;
  };
  DefaultHistoryMemo.size = Math.max(DefaultHistoryMemo.size, UNDO_STEPS);

  const listeners = createListeners<void>();
  const changed = () => listeners.emit();
  const modified = (slices?: number[]) => {
    segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, slices);
    options.render();
  };
  const onData = (e: Event) => {
    if ((e as CustomEvent<{ segmentationId: string }>).detail?.segmentationId === segmentationId) changed();
  };
  eventTarget.addEventListener(Enums.Events.SEGMENTATION_DATA_MODIFIED, onData);

  let tool: EditTool | null = null;
  let range: [number, number] = [-100, 250];

  const makeActive = () => {
    for (const viewportId of labelmap.viewportIds) segmentation.activeSegmentation.setActiveSegmentation(viewportId, segmentationId);
    segmentation.segmentIndex.setActiveSegmentIndex(segmentationId, 1);
  };

  /** Sets the voxels `indices` to `value` as one undoable step. */
  const setVoxels = (indices: number[], value: 0 | 1) => {
    const before = Uint8Array.from(indices, (i) => scalarsOf(Math.floor(i / px))[i % px]);
    const slices = [...new Set(indices.map((i) => Math.floor(i / px)))];
    const apply = (undo = false) => {
      indices.forEach((i, k) => (scalarsOf(Math.floor(i / px))[i % px] = undo ? before[k] : value));
      modified(slices);
    };
    apply(false);
    DefaultHistoryMemo.push({ id: `liverlab-${tool}-${Date.now()}`, operationType: 'labelmap', restoreMemo: apply });
  };

  /** Fill or grow on the plane the pane shows (axial, coronal or sagittal; nothing on an oblique one). */
  const clickTool = (pane: EditPane, e: MouseEvent) => {
    const vp = pane.viewport();
    const axis = axisOfNormal(vp.getCamera().viewPlaneNormal ?? [0, 0, 1]);
    const box = pane.element.getBoundingClientRect();
    const voxel = voxelAt(volume, vp.canvasToWorld([e.clientX - box.left, e.clientY - box.top]));
    if (!voxel || axis === null) return;
    const plane = planeThrough(dims, axis, voxel);
    const [u, v] = plane.pixelOf(voxel);
    const slices = Array.from({ length: volume.slices }, (_, s) => scalarsOf(s));
    const n = plane.width * plane.height;
    const pixels =
      tool === 'fill'
        ? closedRegionAt(planeValues(plane, new Uint8Array(n), (i) => slices[Math.floor(i / px)][i % px]), plane.width, plane.height, u, v)
        : grownRegionAt(planeValues(plane, volume.pixels instanceof Int16Array ? new Int16Array(n) : new Uint8Array(n), (i) => volume.pixels[i]), plane.width, plane.height, u, v, range);
    if (pixels && pixels.length > 0) setVoxels(Array.from(pixels, (p) => plane.voxelIndex(p)), 1);
  };
  // A brush records its stroke's memo when the button goes up, after its last data event: say so then.
  const onUp = () => setTimeout(changed, 0);
  const paneListeners = panes.map((pane) => {
    const onDown = (e: MouseEvent) => {
      if (e.button === 0 && (tool === 'fill' || tool === 'grow')) clickTool(pane, e);
    };
    pane.element.addEventListener('mousedown', onDown);
    pane.element.addEventListener('mouseup', onUp);
    return () => {
      pane.element.removeEventListener('mousedown', onDown);
      pane.element.removeEventListener('mouseup', onUp);
    };
  });

  const brushNames = Object.values(BRUSH_INSTANCES).map((b) => b.name);
  const passiveBrushes = () => {
    for (const name of brushNames) group.setToolPassive(name);
  };

  return {
    setLabel(mask) {
      if (mask.length !== px * volume.slices) throw new RangeError(`label of ${mask.length} values, the volume has ${px * volume.slices}`);
      for (let s = 0; s < volume.slices; s++) {
        const scalars = scalarsOf(s);
        for (let i = 0; i < px; i++) scalars[i] = mask[s * px + i] > 0 ? 1 : 0;
      }
      clearHistory();
      modified();
    },
    getLabel() {
      const out = new Uint8Array(px * volume.slices);
      for (let s = 0; s < volume.slices; s++) out.set(scalarsOf(s), s * px);
      return out;
    },
    activate(next) {
      tool = next;
      makeActive();
      passiveBrushes();
      // A click tool: the left button does nothing else meanwhile.
      options.freeLeftButton();
      if (next === 'brush' || next === 'eraser' || next === 'thresholdBrush') {
        group.setToolActive(BRUSH_INSTANCES[next].name, { bindings: [{ mouseButton: Enums.MouseBindings.Primary }] });
      }
    },
    deactivate() {
      tool = null;
      passiveBrushes();
      options.restoreTool();
    },
    setBrushSize(mm) {
      utilities.segmentation.setBrushSizeForToolGroup(groupId, mm);
    },
    setRange(next) {
      range = [Math.min(...next), Math.max(...next)] as [number, number];
      const threshold = group.getToolInstance(BRUSH_INSTANCES.thresholdBrush.name);
      if (threshold) threshold.configuration = { ...threshold.configuration, threshold: { ...threshold.configuration.threshold, range, isDynamic: false } };
    },
    undo: () => DefaultHistoryMemo.undo(),
    redo: () => DefaultHistoryMemo.redo(),
    canUndo: () => DefaultHistoryMemo.canUndo,
    canRedo: () => DefaultHistoryMemo.canRedo,
    onChange: (listener) => listeners.add(listener),
    destroy() {
      eventTarget.removeEventListener(Enums.Events.SEGMENTATION_DATA_MODIFIED, onData);
      for (const remove of paneListeners) remove();
      listeners.clear();
      labelmap.release();
      clearHistory();
    },
  };
}

/** Forgets every step (a new label, or the viewer closing): undo must never reach into another label. */
function clearHistory(): void {
  // HistoryMemo has no clear(): resizing rebuilds its ring empty.
  const size = DefaultHistoryMemo.size;
  DefaultHistoryMemo.size = 1;
  DefaultHistoryMemo.size = size;
}
