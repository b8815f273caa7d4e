// "Segment this patient": the model picker (newest first: the current run's best, or any stored or
// imported model), which slices (the whole scan from the dropped files, or the cached kept slab), the
// run's progress, the threshold slider and "keep largest component" (both re-binarise live in the
// worker), and the downloads (NIfTI, DICOM SEG, PNG montage). Layout only; actions are the stores'.
import { useEffect, useState } from 'react';
import { useSegmentStore } from '../../state/segmentStore';
import { useViewerStore } from '../../state/viewerStore';
import { useIngestStore } from '../../state/ingestStore';
import { hasOriginalFiles } from '../../state/currentPatient';
import { segmentPatient } from '../../state/segmentPatient';
import { describeStarter } from '../../state/starterModel';
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
  const scopeChoice = useSegmentStore((s) => s.scopeChoice);
  const target = useSegmentStore((s) => s.target);
  const datasetId = useViewerStore((s) => s.datasetId);
  const patientKey = useViewerStore((s) => s.patientKey);
  const originalsLoaded = useIngestStore((s) => hasOriginalFiles(datasetId, patientKey, s.patients));
  const { loadModels, chooseModel, chooseScope, setThreshold, setLargestComponent, exportFile } = useSegmentStore.getState();
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
  const blocked = models.length === 0 ? 'Train a model (Train tab) or import one to segment.' : null;
  const running = status === 'running';
  const wholeScan = scopeChoice === 'scan' && originalsLoaded;
  const chosen = models.find((m) => m.id === modelId);
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
            <option key={m.id} value={m.id} data-source={m.source} title={`${m.name} (${m.size}², ${describeModel(m)})`}>
              {shortName(m.name)} ({m.size}², {describeModel(m)})
            </option>
          ))}
        </select>
      </label>
      {chosen?.source === 'starter' && (
        <p className="muted" data-testid="starter-note">
          {chosen.name}: {describeStarter(chosen.about)}.
        </p>
      )}
      <label className="segment-scope">
        <span className="muted">Slices</span>
        <select aria-label="Slices to segment" value={scopeChoice} disabled={running} onChange={(e) => chooseScope(e.target.value as 'scan' | 'slab')}>
          <option value="scan">Whole scan{originalsLoaded ? ' (every slice, from the dropped files)' : ' — drop the files to enable'}</option>
          <option value="slab">Cached slices (the kept slab a model trains on)</option>
        </select>
      </label>
      <button type="button" className="primary" disabled={blocked !== null || running} onClick={() => void segmentPatient()}>
        Segment this patient
      </button>
      {modelId && <p className="muted model-facts">{describeFacts(models.find((m) => m.id === modelId))}</p>}
      {blocked && <p className="muted">{blocked}</p>}
      {!blocked && !running && (
        <p className="muted" data-testid="segment-scope-note">
          {wholeScan ? 'Runs on every slice of the scan, windowed and equalised as the model was trained, drawn over the HU images.' : 'Runs on the cached slices only.'}
        </p>
      )}
      {running && progress && (
        <p className="segment-progress">
          <progress data-testid="segment-progress" aria-label="Segmenting this patient" max={progress.total} value={progress.done} /> {progress.done} / {progress.total} slices
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {hasTarget && (
        <>
          {target && (
            <p className="muted" data-testid="segment-scope">
              {target.scope === 'scan' ? `Whole scan: all ${target.slices} slices segmented.` : `Kept slab only: cached slices ${target.seriesOffset + 1}–${target.seriesOffset + target.slices} of the scan (drop its files to segment the whole scan).`}
            </p>
          )}
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

function describeModel(m: { source: string; format?: string; valDice: number | null; finetune?: { parent: { name: string } } }): string {
  if (m.source === 'starter') return 'ships with LiverLab';
  if (m.finetune) return `fine-tuned from ${m.finetune.parent.name}`;
  if (m.source === 'import') return m.format === 'onnx' ? 'imported ONNX' : 'imported';
  return m.valDice !== null ? `val Dice ${m.valDice.toFixed(3)}` : 'trained here';
}

function describeFacts(m: { source: string; valDice: number | null; size: number } | undefined): string {
  return m ? `${m.size}² input · ${describeModel(m)}` : '';
}
