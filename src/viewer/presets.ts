// The display windows a radiologist expects for CT, named and keyed as OHIF names them (1 soft
// tissue, 2 lung, 3 liver, 4 bone), and the one the preprocessing pipeline uses (5). Pure data; HU
// windows only mean something on 'hu' volumes.
import type { DisplayWindow, PresetName, ViewerVolume } from './types';

export const WINDOW_PRESETS: Readonly<Record<PresetName, DisplayWindow & { label: string }>> = Object.freeze({
  softTissue: { label: 'Soft tissue', width: 400, center: 40 },
  lung: { label: 'Lung', width: 1500, center: -600 },
  liver: { label: 'Liver', width: 150, center: 90 },
  bone: { label: 'Bone', width: 2500, center: 480 },
  pipeline: { label: 'Pipeline', width: 500, center: 150 },
});

export const PRESET_ORDER: readonly PresetName[] = ['softTissue', 'lung', 'liver', 'bone', 'pipeline'];

/** Cached images are already windowed to 0..255: show them as stored. */
export const PROCESSED_WINDOW: Readonly<DisplayWindow> = Object.freeze({ width: 255, center: 127.5 });

export const PROCESSED_PRESET_NOTE = 'cached images are windowed + CLAHE; drop the original files for HU presets';

export function initialWindow(kind: ViewerVolume['kind']): DisplayWindow {
  return kind === 'hu' ? { width: WINDOW_PRESETS.softTissue.width, center: WINDOW_PRESETS.softTissue.center } : { ...PROCESSED_WINDOW };
}
