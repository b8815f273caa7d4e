// The label-editing part of a viewer's handle, the same for the stack and MPR viewers: a label editor
// (labelEditing.ts) made when editing starts, the brush size and value range remembered across
// editors, and the undo / redo state sent to the app after every change. Each viewer says how to make
// its editor (which labelmap, which panes) and what to do once editing stops.
import type { LabelEditor } from './labelEditing';
import { createListeners } from './listeners';
import type { EditTool, ViewerHandle } from './types';

export type EditingMethods = Pick<ViewerHandle, 'startEditing' | 'stopEditing' | 'setEditTool' | 'setBrushSize' | 'setEditRange' | 'getEditedLabel' | 'undoEdit' | 'redoEdit' | 'onLabelChange'> & {
  destroy(): void;
};

export function createEditing(makeEditor: () => LabelEditor, afterStop: () => void): EditingMethods {
  let editor: LabelEditor | null = null;
  let settings: { size: number; range: [number, number] } = { size: 8, range: [-100, 250] };
  const labelListeners = createListeners<{ canUndo: boolean; canRedo: boolean }>();
  const history = () => ({ canUndo: editor?.canUndo() ?? false, canRedo: editor?.canRedo() ?? false });
  const stop = () => {
    editor?.destroy();
    editor = null;
  };
  return {
    startEditing(label) {
      if (!editor) {
        editor = makeEditor();
        editor.onChange(() => labelListeners.emit(history()));
      }
      editor.setLabel(label);
      editor.setBrushSize(settings.size);
      editor.setRange(settings.range);
      labelListeners.emit(history());
      return true;
    },
    stopEditing() {
      stop();
      afterStop();
    },
    setEditTool(next: EditTool | null) {
      if (!editor) return;
      if (next) editor.activate(next);
      else editor.deactivate();
    },
    setBrushSize(mm) {
      settings = { ...settings, size: mm };
      editor?.setBrushSize(mm);
    },
    setEditRange(range) {
      settings = { ...settings, range };
      editor?.setRange(range);
    },
    getEditedLabel: () => editor?.getLabel() ?? null,
    undoEdit() {
      editor?.undo();
      labelListeners.emit(history());
    },
    redoEdit() {
      editor?.redo();
      labelListeners.emit(history());
    },
    onLabelChange: (listener) => labelListeners.add(listener),
    destroy() {
      labelListeners.clear();
      stop();
    },
  };
}
