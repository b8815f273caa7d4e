// The display windows a radiologist expects for abdominal CT, and the one the preprocessing
// pipeline uses. Pure data; HU windows only mean something on 'hu' volumes.
import type { DisplayWindow, PresetName, ViewerVolume } from './types';

export const WINDOW_PRESETS: Readonly<Record<PresetName, DisplayWindow & { label: string }>> = Object.freeze({
  abdomen: { label: 'Abdomen', width: 400, center: 40 },
  liver: { label: 'Liver', width: 150, center: 30 },
  pipeline: { label: 'Pipeline', width: 500, center: 150 },
  bone: { label: 'Bone', width: 1500, center: 300 },
});

export const PRESET_ORDER: readonly PresetName[] = ['abdomen', 'liver', 'pipeline', 'bone'];

/** Cached images are already windowed to 0..255: show them as stored. */
export const PROCESSED_WINDOW: Readonly<DisplayWindow> = Object.freeze({ width: 255, center: 127.5 });

export const PROCESSED_PRESET_NOTE = 'cached images are windowed + CLAHE; drop the original files for HU presets';

export function initialWindow(kind: ViewerVolume['kind']): DisplayWindow {
  return kind === 'hu' ? { width: WINDOW_PRESETS.abdomen.width, center: WINDOW_PRESETS.abdomen.center } : { ...PROCESSED_WINDOW };
}
