// One axial stack viewport of a ViewerVolume: Cornerstone3D's RenderingEngine + StackViewport fed
// by the `liverlab:` loader, OHIF-like mouse tools and measurements (length, elliptical ROI), the
// voxel under the cursor and orientation letters (readingAids.ts), and the truth / prediction /
// difference overlays. This is the only module that turns the facade's calls into Cornerstone calls; it owns
// its element's content and must release everything (engine, tools, cache, segmentations) on destroy.
import { RenderingEngine, Enums, utilities, type Types } from '@cornerstonejs/core';
import { initCornerstone } from './init';
import { registerVolume, releaseVolume } from './imageLoader';
import { createToolGroup } from './tools';
import { createMeasurements } from './measurements';
import { attachReadingAids } from './readingAids';
import { createOverlays, uncache } from './overlays';
import { createLabelEditor } from './labelEditing';
import { stackLabelmap } from './labelmaps';
import { createEditing } from './editingHandle';
import { differenceLabelmap } from './difference';
import { createSliceRequests } from './sliceRequests';
import { createListeners } from './listeners';
import { WINDOW_PRESETS, initialWindow } from './presets';
import type { DisplayWindow, OverlayKind, OverlayStyle, PresetName, ViewerHandle, ViewerTool, ViewerVolume } from './types';

let nextViewer = 1;

export interface ViewerOptions {
  /** First slice shown (default: the middle one). */
  slice?: number;
}

export async function createStackViewer(element: HTMLDivElement, volume: ViewerVolume, options: ViewerOptions = {}): Promise<ViewerHandle> {
  await initCornerstone();
  checkShape(volume);
  const n = nextViewer++;
  const renderingEngineId = `liverlab-engine-${n}`;
  const viewportId = `liverlab-viewport-${n}`;
  const firstWindow = initialWindow(volume.kind);
  const { volumeId, imageIds } = registerVolume(volume, firstWindow);

  const engine = new RenderingEngine(renderingEngineId);
  engine.enableElement({ viewportId, type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] } });
  const viewport = engine.getViewport(viewportId) as Types.IStackViewport;
  const tools = createToolGroup(`liverlab-tools-${n}`, viewportId, renderingEngineId);
  const measurements = createMeasurements(element, { renderingEngineId, viewportId }, volume.kind === 'hu' ? 'HU' : '');
  const aids = attachReadingAids(element, () => engine.getViewport(viewportId), volume);
  const start = clampSlice(options.slice ?? Math.floor(volume.slices / 2), volume.slices);
  await viewport.setStack(imageIds, start);
  viewport.render();

  const sliceSize = volume.width * volume.height;
  const overlays = createOverlays(viewportId, imageIds, sliceSize);
  let prediction = volume.prediction;
  if (volume.truth) overlays.setLabels('truth', volume.truth);
  const showPrediction = (mask: Uint8Array) => {
    prediction = mask;
    overlays.setLabels('prediction', mask);
    if (volume.truth) overlays.setLabels('difference', differenceLabelmap(volume.truth, mask));
  };
  if (prediction) showPrediction(prediction);

  const sliceListeners = createListeners<number>();
  const windowListeners = createListeners<DisplayWindow>();
  const currentWindow = (): DisplayWindow => {
    const range = viewport.getProperties().voiRange;
    if (!range) return { ...firstWindow };
    const { windowWidth, windowCenter } = utilities.windowLevel.toWindowLevel(range.lower, range.upper);
    return { width: windowWidth, center: windowCenter };
  };
  const slices = createSliceRequests(
    { current: () => viewport.getCurrentImageIdIndex(), show: (index) => viewport.setImageIdIndex(index) },
    volume.slices,
    start,
  );
  const onNewImage = (e: Event) => {
    const { imageIdIndex } = (e as CustomEvent<Types.EventTypes.StackNewImageEventDetail>).detail;
    slices.newImage(imageIdIndex);
    sliceListeners.emit(imageIdIndex);
  };
  const onVoi = () => {
    const window = currentWindow();
    windowListeners.emit(window);
  };
  const onRendered = () => {
    // For tests and tooling: which slice the canvas shows now.
    element.dataset.renderedSlice = String(viewport.getCurrentImageIdIndex());
    slices.rendered();
  };
  // The wheel steps from the slice asked for last, like the keys (one slice a notch, as Cornerstone's
  // StackScrollTool does); the tool itself would move the viewport behind the requests' back.
  const onWheel = (e: WheelEvent) => {
    if (e.deltaY === 0 || e.ctrlKey) return;
    e.preventDefault();
    slices.request(slices.target + Math.sign(e.deltaY));
  };
  element.addEventListener('wheel', onWheel, { passive: false });
  element.addEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
  element.addEventListener(Enums.Events.VOI_MODIFIED, onVoi);
  element.addEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
  const resize = new ResizeObserver(() => engine.resize(true, false));
  resize.observe(element);
  const noMenu = (e: Event) => e.preventDefault();
  element.addEventListener('contextmenu', noMenu);

  const setWindow = (window: DisplayWindow) => {
    const { lower, upper } = utilities.windowLevel.toLowHighRange(window.width, window.center);
    viewport.setProperties({ voiRange: { lower, upper } });
    viewport.render();
  };
  let destroyed = false;
  let tool: ViewerTool = 'windowLevel';
  const editing = createEditing(
    () =>
      createLabelEditor({
        panes: [{ element, viewport: () => viewport }],
        labelmap: stackLabelmap(viewportId, imageIds),
        group: tools.group,
        groupId: tools.id,
        volume,
        freeLeftButton: () => {
          for (const t of ['WindowLevel', 'Length', 'EllipticalROI']) tools.group.setToolPassive(t);
        },
        restoreTool: () => tools.setTool(tool),
        render: () => viewport.render(),
      }),
    () => {
      tools.setTool(tool);
      viewport.render();
    },
  );

  return {
    sliceCount: volume.slices,
    viewportRef: { renderingEngineId, viewportId },
    setSlice: (index) => slices.request(index),
    // The slice asked for last (shown, or on its way), so quick key presses add up.
    getSlice: () => slices.target,
    onSliceChange: (listener) => sliceListeners.add(listener),
    setWindow,
    getWindow: currentWindow,
    onWindowChange: (listener) => windowListeners.add(listener),
    setPreset(name: PresetName) {
      if (volume.kind !== 'hu') throw new Error(`preset ${name}: only for HU images (this volume is ${volume.kind})`);
      const { width, center } = WINDOW_PRESETS[name];
      setWindow({ width, center });
    },
    reset() {
      viewport.resetCamera();
      viewport.resetProperties();
      viewport.render();
      onVoi();
    },
    invert() {
      viewport.setProperties({ invert: !viewport.getProperties().invert });
      viewport.render();
    },
    isInverted: () => Boolean(viewport.getProperties().invert),
    setOverlay(kind: OverlayKind, style: Partial<OverlayStyle>) {
      overlays.setStyle(kind, style);
      viewport.render();
    },
    setTool(next) {
      tool = next;
      tools.setTool(next);
      return true;
    },
    ...editing,
    onMeasurementsChange: (listener) => measurements.onChange(listener),
    removeMeasurement: (id) => measurements.remove(id),
    clearMeasurements: () => measurements.clear(),
    onProbe: (listener) => aids.onProbe(listener),
    setPrediction(mask) {
      if (mask.length !== volume.slices * sliceSize) throw new RangeError(`prediction has ${mask.length} values, the volume ${volume.slices * sliceSize}`);
      showPrediction(mask);
      viewport.render();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      resize.disconnect();
      slices.dispose();
      element.removeEventListener('wheel', onWheel);
      element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
      element.removeEventListener(Enums.Events.VOI_MODIFIED, onVoi);
      element.removeEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
      element.removeEventListener('contextmenu', noMenu);
      sliceListeners.clear();
      windowListeners.clear();
      editing.destroy();
      overlays.destroy();
      aids.destroy();
      measurements.destroy();
      tools.destroy();
      engine.destroy();
      for (const id of imageIds) uncache(id);
      releaseVolume(volumeId);
    },
  };
}

function clampSlice(index: number, slices: number): number {
  return Math.max(0, Math.min(slices - 1, Math.round(index)));
}

function checkShape(volume: ViewerVolume): void {
  const voxels = volume.width * volume.height * volume.slices;
  if (volume.slices < 1 || volume.pixels.length !== voxels) {
    throw new RangeError(`${volume.name}: ${volume.pixels.length} pixels for ${volume.slices} slices of ${volume.width}×${volume.height}`);
  }
  for (const [name, mask] of [['truth', volume.truth], ['prediction', volume.prediction]] as const) {
    if (mask && mask.length !== voxels) throw new RangeError(`${volume.name}: ${name} has ${mask.length} values, expected ${voxels}`);
  }
}

