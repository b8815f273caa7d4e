// Keyboard shortcuts of the viewer, as in OHIF: a pure map from a key to a viewer command, and the
// list the help panel shows. No DOM listeners here: the UI decides where keys are listened to.
import type { PresetName } from './types';
import { PRESET_ORDER } from './presets';

export type ViewerCommand =
  | { kind: 'step'; by: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'reset' }
  | { kind: 'invert' }
  | { kind: 'preset'; name: PresetName }
  | { kind: 'help' };

export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: '↑ / ←', action: 'previous slice' },
  { keys: '↓ / →', action: 'next slice' },
  { keys: 'Page Up / Page Down', action: '10 slices back / forward' },
  { keys: 'Home / End', action: 'first / last slice' },
  { keys: 'Mouse wheel', action: 'scroll through slices' },
  { keys: 'Left drag', action: 'window / level' },
  { keys: 'Middle drag', action: 'pan' },
  { keys: 'Right drag', action: 'zoom' },
  { keys: 'R', action: 'reset zoom, pan, window and invert' },
  { keys: 'I', action: 'invert grey levels' },
  { keys: '1 – 4', action: 'window presets: abdomen, liver, pipeline, bone (HU images only)' },
  { keys: '?', action: 'show / hide this help' },
];

/** The command for a `KeyboardEvent.key`, or null when the key is not a viewer shortcut. */
export function commandForKey(key: string): ViewerCommand | null {
  switch (key) {
    case 'ArrowUp':
    case 'ArrowLeft':
      return { kind: 'step', by: -1 };
    case 'ArrowDown':
    case 'ArrowRight':
      return { kind: 'step', by: 1 };
    case 'PageUp':
      return { kind: 'step', by: -10 };
    case 'PageDown':
      return { kind: 'step', by: 10 };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
    case 'r':
    case 'R':
      return { kind: 'reset' };
    case 'i':
    case 'I':
      return { kind: 'invert' };
    case '?':
      return { kind: 'help' };
    default: {
      const n = Number(key);
      return Number.isInteger(n) && n >= 1 && n <= PRESET_ORDER.length ? { kind: 'preset', name: PRESET_ORDER[n - 1] } : null;
    }
  }
}
