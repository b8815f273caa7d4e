// "Edit label": start a label from the prediction, the expert's mask or nothing; the editing tools
// (brush, eraser, threshold brush, fill, grow from click; in the stack or MPR layout) with the brush
// size and the value range;
// undo / redo; save (as a new label, or the edits to the one open), export as DICOM SEG or NIfTI;
// open a DICOM SEG or NIfTI file as a new label; the patient's stored labels to open again; and fine-tuning the model on the saved corrections (FinetunePanel).
// Layout only: state in labelStore.ts.
import { useEffect } from 'react';
import type { EditTool } from '../../viewer';
import { TOOL_KEYS, useLabelStore } from '../../state/labelStore';
import { useViewerStore } from '../../state/viewerStore';
import { FinetunePanel } from './FinetunePanel';
import { SegmentationFileInput } from './SegmentationFileInput';

const TOOLS: { tool: EditTool; label: string; title: string }[] = [
  { tool: 'brush', label: 'Brush', title: 'paint a circle' },
  { tool: 'eraser', label: 'Eraser', title: 'erase a circle' },
  { tool: 'thresholdBrush', label: 'Range brush', title: 'paint only the pixels within the range' },
  { tool: 'fill', label: 'Fill', title: 'fill the inside of a closed contour' },
  { tool: 'grow', label: 'Grow', title: 'grow from the click over connected pixels within the range' },
];

export function LabelPanel() {
  const s = useLabelStore();
  const hasPrediction = useViewerStore((v) => v.prediction !== null);
  const hasTruth = useViewerStore((v) => Boolean(v.volume?.truth));
  const kind = useViewerStore((v) => v.volume?.kind ?? 'processed');
  const patientKey = useViewerStore((v) => v.patientKey);
  useEffect(() => {
    void useLabelStore.getState().refresh();
  }, [patientKey]);
  const unit = kind === 'hu' ? 'HU' : 'grey level';
  return (
    <section className="label-panel" aria-label="Edit label" data-testid="label-panel">
      <h3>Edit label</h3>
      {!s.editing ? (
        <div className="label-start" role="group" aria-label="Start a label">
          <button type="button" disabled={!hasPrediction} onClick={() => void s.start('prediction')}>
            Correct the prediction
          </button>
          <button type="button" disabled={!hasTruth} onClick={() => void s.start('expert')}>
            Edit the expert&apos;s mask
          </button>
          <button type="button" onClick={() => void s.start('empty')}>
            Draw from empty
          </button>
          <SegmentationFileInput label="Open a label file…" hint="(DICOM SEG or NIfTI of this patient, to correct and save as a new label)" ariaLabel="Open a label file" onFile={(file) => void s.openFile(file)} />
        </div>
      ) : (
        <>
          <p className="muted" data-testid="label-name">
            {s.label?.name} {s.stored ? '' : '(not saved)'}
          </p>
          <div className="tool-group" role="group" aria-label="Editing tool">
            {TOOLS.map((t) => (
              <button key={t.tool} type="button" aria-pressed={s.tool === t.tool} title={`${t.title} (${TOOL_KEYS[t.tool]})`} onClick={() => s.setTool(t.tool)}>
                {t.label}
              </button>
            ))}
          </div>
          <label>
            Brush radius {s.brushSize} mm
            <input type="range" aria-label="Brush radius (mm)" min={1} max={60} value={s.brushSize} onChange={(e) => s.setBrushSize(Number(e.target.value))} />
          </label>
          <label>
            Range from
            <input type="number" aria-label={`Range from (${unit})`} value={s.range[0]} onChange={(e) => s.setRange([Number(e.target.value), s.range[1]])} />
          </label>
          <label>
            to
            <input type="number" aria-label={`Range to (${unit})`} value={s.range[1]} onChange={(e) => s.setRange([s.range[0], Number(e.target.value)])} />
            <span className="muted"> {unit}s</span>
          </label>
          <div role="group" aria-label="History">
            <button type="button" disabled={!s.canUndo} onClick={s.undo} title="Undo (Ctrl+Z)">
              Undo
            </button>
            <button type="button" disabled={!s.canRedo} onClick={s.redo} title="Redo (Ctrl+Y or Ctrl+Shift+Z)">
              Redo
            </button>
          </div>
          <div role="group" aria-label="Keep the label">
            {s.stored && (
              <button type="button" onClick={() => void s.save()}>
                Save
              </button>
            )}
            <button type="button" onClick={() => void s.saveAsNew()}>
              Save as new label
            </button>
            <button type="button" onClick={() => void s.exportFile('seg')} title="DICOM SEG referencing the CT slices it segments (needs the original DICOM files loaded)">
              Export label as DICOM SEG
            </button>
            <button type="button" onClick={() => void s.exportFile('nifti')}>
              Export label as NIfTI
            </button>
            <button type="button" onClick={s.stop}>
              Close
            </button>
          </div>
        </>
      )}
      {s.message && (
        <p className="muted" role="status" data-testid="label-message">
          {s.message}
        </p>
      )}
      {s.labels.length > 0 && (
        <ul className="label-list" aria-label="Stored labels" data-testid="stored-labels">
          {s.labels.map((l) => (
            <li key={l.id} data-label-id={l.id}>
              {l.name} · {l.edited.length} edited slices · {new Date(l.updatedAt).toLocaleString()}{' '}
              <button type="button" onClick={() => void s.open(l.id)}>
                Open
              </button>{' '}
              <button type="button" aria-label={`Delete ${l.name}`} disabled={s.editing && s.label?.id === l.id} onClick={() => void s.remove(l.id)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <FinetunePanel />
    </section>
  );
}
