// The viewer's facade: everything the rest of LiverLab may use to show a patient. Cornerstone3D is
// loaded lazily (a separate chunk) the first time a viewer is created, so the app starts without it.
// Never import Cornerstone from outside src/viewer/; import from here.
import type { ViewerHandle, ViewerVolume } from './types';
import type { ViewerOptions } from './stackViewer';

export type { ViewerHandle, ViewerVolume, DisplayWindow, OverlayKind, OverlayStyle, PresetName, ViewerTool, EditTool, ProbeReading, Measurement } from './types';
export type { ViewerOptions } from './stackViewer';
export type { SliceStats } from '../metrics/sliceStats';
export type { ViewerCommand, EditCommand } from './keyboard';
export { WINDOW_PRESETS, PRESET_ORDER, PROCESSED_WINDOW, PROCESSED_PRESET_NOTE, initialWindow } from './presets';
export { sliceStats, volumeDice } from '../metrics/sliceStats';
export { differenceLabelmap, DIFFERENCE_LABEL } from './difference';
export { commandForKey, editCommandForKey, SHORTCUTS } from './keyboard';
export { mprLayout, type MprLayout } from './mprLayout';
export { volumeFromCache } from './volumeFromCache';
export { volumeFromSources } from './volumeFromSources';

/** Starts Cornerstone3D once (idempotent); `createViewer` calls it too. */
export async function initCornerstone(): Promise<void> {
  const { initCornerstone: init } = await import('./init');
  await init();
}

/** Shows `volume` as axial, coronal and sagittal views with crosshairs, inside `element` (a sized, empty div). */
export async function createMprViewer(element: HTMLDivElement, volume: ViewerVolume, options?: ViewerOptions): Promise<ViewerHandle> {
  const { createMprViewer: create } = await import('./mprViewer');
  return create(element, volume, options);
}

/** Keeps two viewers of the same patient on the same slice, window and camera; returns the unlink function. */
export async function linkViewers(a: ViewerHandle, b: ViewerHandle): Promise<() => void> {
  const { linkViewers: link } = await import('./link');
  return link(a, b);
}

/** Shows `volume` in `element` (a sized, empty div) and returns the handle that drives it. */
export async function createViewer(element: HTMLDivElement, volume: ViewerVolume, options?: ViewerOptions): Promise<ViewerHandle> {
  const { createStackViewer } = await import('./stackViewer');
  return createStackViewer(element, volume, options);
}
