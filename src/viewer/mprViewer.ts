// Three orthographic views of one ViewerVolume — axial, coronal, sagittal — on image volumes built
// from the typed arrays (localVolume.ts) with the cached spacing, linked by Cornerstone's
// CrosshairsTool (click or drag in one view, the other two move to that point), with the truth /
// prediction / difference overlays in all three. Implements the same ViewerHandle as the stack
// viewer: its "slice" is the axial slice. Creates its three elements inside `host` and removes them.
import { RenderingEngine, Enums, setVolumesForViewports, utilities, type Types } from '@cornerstonejs/core';
import { ToolGroupManager, CrosshairsTool, PanTool, ZoomTool, StackScrollTool, Enums as ToolEnums } from '@cornerstonejs/tools';
import { initCornerstone } from './init';
import { cacheVolume, geometryOf, uncacheVolume } from './localVolume';
import { createVolumeOverlays } from './volumeOverlays';
import { addBrushTools, createLabelEditor } from './labelEditing';
import { volumeLabelmap } from './labelmaps';
import { createEditing } from './editingHandle';
import { differenceLabelmap } from './difference';
import { createListeners } from './listeners';
import { attachReadingAids } from './readingAids';
import type { ProbeReading } from './types';
import { WINDOW_PRESETS, initialWindow } from './presets';
import type { DisplayWindow, ViewerHandle, ViewerVolume } from './types';
import type { ViewerOptions } from './stackViewer';

export const MPR_VIEWS = ['axial', 'coronal', 'sagittal'] as const;
export type MprView = (typeof MPR_VIEWS)[number];

const ORIENTATION: Record<MprView, Enums.OrientationAxis> = {
  axial: Enums.OrientationAxis.AXIAL,
  coronal: Enums.OrientationAxis.CORONAL,
  sagittal: Enums.OrientationAxis.SAGITTAL,
};
const LINE_COLOUR: Record<MprView, string> = { axial: 'rgb(220, 60, 60)', coronal: 'rgb(60, 200, 90)', sagittal: 'rgb(230, 200, 40)' };

/** The views' areas in the host's grid (mprLayout.ts arranges them by the volume's proportions). */
const GRID_AREA: Record<MprView, string> = { axial: 'a', coronal: 'c', sagittal: 's' };

let nextMpr = 1;

export async function createMprViewer(host: HTMLDivElement, volume: ViewerVolume, options: ViewerOptions = {}): Promise<ViewerHandle> {
  await initCornerstone();
  const n = nextMpr++;
  const engineId = `liverlab-mpr-engine-${n}`;
  const volumeId = `liverlab-mpr-${n}-ct`;
  const frameOfReferenceUID = `liverlab.mpr.${n}`;
  const ids = Object.fromEntries(MPR_VIEWS.map((v) => [v, `liverlab-mpr-${n}-${v}`])) as Record<MprView, string>;
  const firstWindow = initialWindow(volume.kind);
  const g = geometryOf(volume);

  host.classList.add('mpr-grid');
  const elements = {} as Record<MprView, HTMLDivElement>;
  for (const view of MPR_VIEWS) {
    const el = document.createElement('div');
    el.className = `mpr-view mpr-${view}`;
    el.dataset.testid = `mpr-${view}`;
    el.dataset.view = view;
    el.style.gridArea = GRID_AREA[view];
    el.addEventListener('contextmenu', (e) => e.preventDefault());
    host.appendChild(el);
    elements[view] = el;
  }

  cacheVolume(volumeId, volume.pixels, volume, frameOfReferenceUID, firstWindow);
  const engine = new RenderingEngine(engineId);
  engine.setViewports(MPR_VIEWS.map((view) => ({ viewportId: ids[view], type: Enums.ViewportType.ORTHOGRAPHIC, element: elements[view], defaultOptions: { orientation: ORIENTATION[view], background: [0, 0, 0] as Types.Point3 } })));
  const viewports = MPR_VIEWS.map((view) => engine.getViewport(ids[view]) as Types.IVolumeViewport);
  const [axial] = viewports;
  const cameraOf = (vp: Types.IVolumeViewport) => vp.getCamera() as Required<Types.ICamera>;
  await setVolumesForViewports(engine, [{ volumeId }], Object.values(ids));

  const toolGroupId = `liverlab-mpr-tools-${n}`;
  const group = ToolGroupManager.createToolGroup(toolGroupId);
  if (!group) throw new Error(`tool group ${toolGroupId} exists already`);
  for (const view of MPR_VIEWS) group.addViewport(ids[view], engineId);
  for (const tool of [PanTool, ZoomTool, StackScrollTool]) group.addTool(tool.toolName);
  const viewOf = (viewportId: string) => MPR_VIEWS.find((v) => ids[v] === viewportId) ?? 'axial';
  group.addTool(CrosshairsTool.toolName, {
    getReferenceLineColor: (viewportId: string) => LINE_COLOUR[viewOf(viewportId)],
    getReferenceLineControllable: () => true,
    // Also what lets a click jump the other views there (CrosshairsTool._jump).
    getReferenceLineDraggableRotatable: () => true,
    getReferenceLineSlabThicknessControlsOn: () => false,
  });
  const { MouseBindings } = ToolEnums;
  group.setToolActive(CrosshairsTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  addBrushTools(group, volumeId);

  const overlays = createVolumeOverlays(`liverlab-mpr-${n}`, Object.values(ids), volume, frameOfReferenceUID);
  if (volume.truth) overlays.setLabels('truth', volume.truth);
  const showPrediction = (mask: Uint8Array) => {
    overlays.setLabels('prediction', mask);
    if (volume.truth) overlays.setLabels('difference', differenceLabelmap(volume.truth, mask));
  };
  if (volume.prediction) showPrediction(volume.prediction);

  const renderAll = () => engine.renderViewports(Object.values(ids));
  /** Voxel index of a world point (origin 0, identity orientation). */
  const voxelOf = (p: Types.Point3) => [0, 1, 2].map((a) => Math.max(0, Math.min(g.dimensions[a] - 1, Math.round(p[a] / g.spacing[a]))));
  const axialSlice = () => voxelOf(cameraOf(axial).focalPoint)[2];

  const setWindow = (window: DisplayWindow) => {
    const voiRange = utilities.windowLevel.toLowHighRange(window.width, window.center);
    for (const vp of viewports) vp.setProperties({ voiRange });
    renderAll();
  };
  const currentWindow = (): DisplayWindow => {
    const range = axial.getProperties()?.voiRange;
    if (!range) return { ...firstWindow };
    const { windowWidth, windowCenter } = utilities.windowLevel.toWindowLevel(range.lower, range.upper);
    return { width: windowWidth, center: windowCenter };
  };
  const setSlice = (index: number) => {
    const k = Math.max(0, Math.min(volume.slices - 1, Math.round(index)));
    const { focalPoint, position } = cameraOf(axial);
    const dz = k * g.spacing[2] - focalPoint[2];
    axial.setCamera({ focalPoint: [focalPoint[0], focalPoint[1], focalPoint[2] + dz], position: [position[0], position[1], position[2] + dz] });
    axial.render();
  };
  setWindow(firstWindow);
  setSlice(options.slice ?? Math.floor(volume.slices / 2));

  const sliceListeners = createListeners<number>();
  const windowListeners = createListeners<DisplayWindow>();
  let lastSlice = -1;
  // For tests and tooling: each view's focal point as voxel indices, and where the volume's corners
  // (voxel −½ and n − ½ on each axis) land on its canvas, in canvas pixels.
  const describe = (view: MprView, vp: Types.IVolumeViewport) => {
    const el = elements[view];
    el.dataset.focus = voxelOf(cameraOf(vp).focalPoint).join(',');
    const dpr = window.devicePixelRatio || 1;
    const corner = (t: number) => [0, 1, 2].map((a) => (t === 0 ? -0.5 : g.dimensions[a] - 0.5) * g.spacing[a]) as Types.Point3;
    el.dataset.corners = [...vp.worldToCanvas(corner(0)), ...vp.worldToCanvas(corner(1))].map((c) => (c * dpr).toFixed(1)).join(',');
  };
  const onRendered = (e: Event) => {
    const el = e.currentTarget as HTMLDivElement;
    const view = el.dataset.view as MprView;
    describe(view, viewports[MPR_VIEWS.indexOf(view)]);
    if (view !== 'axial') return;
    const k = axialSlice();
    host.dataset.renderedSlice = String(k);
    if (k === lastSlice) return;
    lastSlice = k;
    sliceListeners.emit(k);
  };
  const onVoi = () => {
    const w = currentWindow();
    windowListeners.emit(w);
  };
  for (const view of MPR_VIEWS) elements[view].addEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
  // One probe for the three views: the voxel under the cursor, whichever view it is over.
  const probes = createListeners<ProbeReading | null>();
  const aids = MPR_VIEWS.map((view) => attachReadingAids(elements[view], () => engine.getViewport(ids[view]), volume, probes));
  elements.axial.addEventListener(Enums.Events.VOI_MODIFIED, onVoi);
  // Editing: the left button is the edit tool in all three panes (the crosshairs stay drawn, inert); back to the crosshairs after.
  const crosshairs = () => group.setToolActive(CrosshairsTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  const editing = createEditing(
    () =>
      createLabelEditor({
        panes: MPR_VIEWS.map((view) => ({ element: elements[view], viewport: () => engine.getViewport(ids[view]) })),
        labelmap: volumeLabelmap(`liverlab-mpr-${n}`, Object.values(ids), volume, frameOfReferenceUID),
        group,
        groupId: toolGroupId,
        volume,
        freeLeftButton: () => group.setToolEnabled(CrosshairsTool.toolName),
        restoreTool: crosshairs,
        render: renderAll,
      }),
    () => {
      crosshairs();
      renderAll();
    },
  );
  const resize = new ResizeObserver(() => engine.resize(true, false));
  resize.observe(host);
  renderAll();
  let destroyed = false;

  return {
    sliceCount: volume.slices,
    viewportRef: { renderingEngineId: engineId, viewportId: ids.axial },
    setSlice,
    getSlice: axialSlice,
    onSliceChange: (listener) => sliceListeners.add(listener),
    setWindow,
    getWindow: currentWindow,
    onWindowChange: (listener) => windowListeners.add(listener),
    setPreset(name) {
      if (volume.kind !== 'hu') throw new Error(`preset ${name}: only for HU images (this volume is ${volume.kind})`);
      setWindow(WINDOW_PRESETS[name]);
    },
    reset() {
      const k = axialSlice();
      for (const vp of viewports) {
        vp.resetCamera();
        vp.setProperties({ invert: false });
      }
      setWindow(firstWindow);
      setSlice(k);
      onVoi();
    },
    invert() {
      const invert = !axial.getProperties()?.invert;
      for (const vp of viewports) vp.setProperties({ invert });
      renderAll();
    },
    isInverted: () => Boolean(axial.getProperties()?.invert),
    setOverlay(kind, style) {
      overlays.setStyle(kind, style);
      renderAll();
    },
    // The left button is the crosshairs here; measurements are drawn in the stack layout.
    setTool: () => false,
    onMeasurementsChange: () => () => undefined,
    removeMeasurement: () => undefined,
    clearMeasurements: () => undefined,
    ...editing,
    onProbe: (listener) => probes.add(listener),
    setPrediction(mask) {
      if (mask.length !== volume.pixels.length) throw new RangeError(`prediction has ${mask.length} values, the volume ${volume.pixels.length}`);
      showPrediction(mask);
      renderAll();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      resize.disconnect();
      for (const view of MPR_VIEWS) elements[view].removeEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
      elements.axial.removeEventListener(Enums.Events.VOI_MODIFIED, onVoi);
      sliceListeners.clear();
      windowListeners.clear();
      editing.destroy();
      overlays.destroy();
      for (const a of aids) a.destroy();
      probes.clear();
      ToolGroupManager.destroyToolGroup(toolGroupId);
      engine.destroy();
      uncacheVolume(volumeId, volume.slices);
      for (const view of MPR_VIEWS) elements[view].remove();
      host.classList.remove('mpr-grid');
    },
  };
}
