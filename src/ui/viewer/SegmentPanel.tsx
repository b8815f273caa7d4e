// "Segment this patient": the model picker (newest first: the current run's best, or any stored or
// imported model), the run's progress, the threshold slider and "keep largest component" (both
// re-binarise live in the worker), and the downloads (NIfTI, DICOM SEG, PNG montage). Layout only;
// actions are the segment store's.
import { useEffect, useState } from 'react';
import { useSegmentStore } from '../../state/segmentStore';
import { useViewerStore } from '../../state/viewerStore';
import { shortName } from '../format';

export function SegmentPanel() {
  const models = useSegmentStore((s) => s.models);
  const modelId = useSegmentStore((s) => s.modelId);
  const status = useSegmentStore((s) => s.status);
  const progress = useSegmentStore((s) => s.progress);
  const resizeNote = useSegmentStore((s) => s.resizeNote);
  const timing = useSegmentStore((s) => s.timing);
  const error = useSegmentStore((s) => s.error);
  const settings = useSegmentStore((s) => s.settings);
  const hasTarget = useSegmentStore((s) => s.target !== null);
  const exportMessage = useSegmentStore((s) => s.exportMessage);
  const source = useViewerStore((s) => s.source);
  const { loadModels, chooseModel, segmentCurrent, setThreshold, setLargestComponent, exportFile } = useSegmentStore.getState();
  const [exporting, setExporting] = useState<string | null>(null);
  useEffect(() => {
    void loadModels();
  }, [loadModels]);
  const exportAs = async (kind: 'nifti' | 'seg' | 'png', label: string) => {
    setExporting(label);
    try {
      await exportFile(kind);
    } finally {
      setExporting(null);
    }
  };
  const blocked = models.length === 0 ? 'Train a model (Train tab) or import one to segment.' : source !== 'cache' ? 'Segmentation runs on the cached slices: switch Images to Cached.' : null;
  const running = status === 'running';
  return (
    <fieldset className="segment-panel" data-testid="segment-panel">
      <legend>Segmentation</legend>
      <label className="segment-model">
        <span className="muted">Model</span>
        <select
          aria-label="Model"
          value={modelId ?? ''}
          title={models.find((m) => m.id === modelId)?.name}
          disabled={models.length === 0 || running}
          onFocus={() => void loadModels()}
          onChange={(e) => chooseModel(e.target.value)}
        >
          {models.map((m) => (
            <option key={m.id} value={m.id} title={`${m.name} (${m.size}², ${describeModel(m)})`}>
              {shortName(m.name)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="primary" disabled={blocked !== null || running} onClick={() => void segmentCurrent()}>
        Segment this patient
      </button>
      {modelId && <p className="muted model-facts">{describeFacts(models.find((m) => m.id === modelId))}</p>}
      {blocked && <p className="muted">{blocked}</p>}
      {running && progress && (
        <p className="segment-progress">
          <progress data-testid="segment-progress" aria-label="Segmenting this patient" max={progress.total} value={progress.done} /> {progress.done} / {progress.total} slices
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {hasTarget && (
        <>
          {resizeNote && <p className="muted" data-testid="resize-note">{resizeNote}</p>}
          {timing && <p className="muted" data-testid="inference-timing">{timing}</p>}
          <label className="segment-threshold">
            <span className="muted">Threshold</span>
            <input type="range" min={0.05} max={0.95} step={0.05} value={settings.threshold} aria-label="Threshold" onChange={(e) => setThreshold(Number(e.target.value))} />
            <output data-testid="threshold-value">{settings.threshold.toFixed(2)}</output>
          </label>
          <label>
            <input type="checkbox" checked={settings.largestComponent} onChange={(e) => setLargestComponent(e.target.checked)} />
            keep largest component <span className="muted">(3-D, 26-connected)</span>
          </label>
          <div className="row-actions segment-exports">
            <button type="button" disabled={exporting !== null} onClick={() => void exportAs('nifti', 'NIfTI')}>
              Export NIfTI
            </button>
            <button type="button" disabled={exporting !== null} onClick={() => void exportAs('seg', 'DICOM SEG')}>
              Export DICOM SEG
            </button>
            <button type="button" disabled={exporting !== null} onClick={() => void exportAs('png', 'PNG montage')}>
              Export PNG montage
            </button>
          </div>
          {exporting && (
            <p className="busy">
              <progress aria-label={`Exporting ${exporting}`} /> writing the {exporting}…
            </p>
          )}
          {exportMessage && <p className="muted" role="status" data-testid="export-message">{exportMessage}</p>}
        </>
      )}
    </fieldset>
  );
}

function describeModel(m: { source: string; valDice: number | null }): string {
  return m.source === 'import' ? 'imported' : m.valDice !== null ? `val Dice ${m.valDice.toFixed(3)}` : 'trained here';
}

function describeFacts(m: { source: string; valDice: number | null; size: number } | undefined): string {
  return m ? `${m.size}² input · ${describeModel(m)}` : '';
}
