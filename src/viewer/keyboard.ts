// Keyboard shortcuts of the viewer, as in OHIF: a pure map from a key to a viewer command, and the
// list the help panel shows. No DOM listeners here: the UI decides where keys are listened to.
import type { EditTool, PresetName, ViewerTool } from './types';
import { PRESET_ORDER, WINDOW_PRESETS } from './presets';

export type ViewerCommand =
  | { kind: 'step'; by: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'reset' }
  | { kind: 'invert' }
  | { kind: 'preset'; name: PresetName }
  | { kind: 'overlay'; overlay: 'truth' | 'prediction' | 'difference' }
  | { kind: 'tool'; tool: ViewerTool }
  | { kind: 'help' };

export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: '↑ / ←', action: 'previous slice' },
  { keys: '↓ / →', action: 'next slice' },
  { keys: 'Page Up / Page Down', action: '10 slices back / forward' },
  { keys: 'Home / End', action: 'first / last slice' },
  { keys: 'Mouse wheel', action: 'scroll through slices' },
  { keys: 'Left drag', action: 'window / level, or the measuring tool chosen' },
  { keys: 'Middle drag', action: 'pan' },
  { keys: 'Right drag', action: 'zoom' },
  { keys: 'D', action: 'difference view on / off (true positives, false positives, false negatives)' },
  { keys: 'G / P', action: 'ground truth / prediction overlay on / off' },
  { keys: 'W / L / E', action: 'left button: window-level / length / ellipse ROI (mean ± SD)' },
  { keys: 'R', action: 'reset zoom, pan, window and invert' },
  { keys: 'I', action: 'invert grey levels' },
  { keys: `1 – ${PRESET_ORDER.length}`, action: `window presets: ${PRESET_ORDER.map((p) => WINDOW_PRESETS[p].label.toLowerCase()).join(', ')} (HU images only)` },
  { keys: 'Left drag / click', action: 'while editing a label, in the stack or any MPR pane: the editing tool (fill and grow work on the plane clicked); a layout switch keeps the edits, undo starts again' },
  { keys: 'B / X / T / F / O', action: 'while editing a label: brush / eraser / range brush / fill a closed contour / grow from a click' },
  { keys: '[ / ]', action: 'while editing a label: brush radius 2 mm smaller / larger' },
  { keys: 'Ctrl+Z / Ctrl+Y (Ctrl+Shift+Z)', action: 'while editing a label: undo / redo (100 steps)' },
  { keys: '?', action: 'show / hide this help' },
];

/** While a label is edited: the key's editing command (tools, brush size, undo / redo), or null. */
export function editCommandForKey(key: string, ctrl: boolean, shift: boolean): EditCommand | null {
  if (ctrl) {
    if (key.toLowerCase() === 'z') return { kind: shift ? 'redo' : 'undo' };
    if (key.toLowerCase() === 'y') return { kind: 'redo' };
    return null;
  }
  if (key === '[') return { kind: 'brushSize', by: -2 };
  if (key === ']') return { kind: 'brushSize', by: 2 };
  const tool = EDIT_KEYS[key.toLowerCase()];
  return tool ? { kind: 'editTool', tool } : null;
}

const EDIT_KEYS: Record<string, EditTool> = { b: 'brush', x: 'eraser', t: 'thresholdBrush', f: 'fill', o: 'grow' };

export type EditCommand = { kind: 'undo' } | { kind: 'redo' } | { kind: 'brushSize'; by: number } | { kind: 'editTool'; tool: EditTool };

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
    case '?':
      return { kind: 'help' };
  }
  switch (key.toLowerCase()) {
    case 'r':
      return { kind: 'reset' };
    case 'i':
      return { kind: 'invert' };
    case 'd':
      return { kind: 'overlay', overlay: 'difference' };
    case 'g':
      return { kind: 'overlay', overlay: 'truth' };
    case 'p':
      return { kind: 'overlay', overlay: 'prediction' };
    case 'w':
      return { kind: 'tool', tool: 'windowLevel' };
    case 'l':
      return { kind: 'tool', tool: 'length' };
    case 'e':
      return { kind: 'tool', tool: 'ellipse' };
  }
  const n = Number(key);
  return Number.isInteger(n) && n >= 1 && n <= PRESET_ORDER.length ? { kind: 'preset', name: PRESET_ORDER[n - 1] } : null;
}
