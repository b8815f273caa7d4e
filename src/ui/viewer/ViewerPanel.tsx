// The viewer panel: a PACS-like look at one cached patient — picker, toolbar, the Cornerstone
// viewport, the per-slice strip, segmentation (model, threshold, exports) and its metrics, overlay
// controls, the shortcut help, and the results table across the dataset. Needs no props; layout
// only: state lives in the viewer and segment stores, rendering behind the src/viewer facade.
import { useEffect } from 'react';
import { useCacheStore } from '../../state/cacheStore';
import { useViewerStore } from '../../state/viewerStore';
import { volumeDice } from '../../viewer';
import { PatientPicker } from './PatientPicker';
import { ViewerToolbar } from './ViewerToolbar';
import { Viewport } from './Viewport';
import { SliceStrip } from './SliceStrip';
import { OverlayControls } from './OverlayControls';
import { SegmentPanel } from './SegmentPanel';
import { MetricsPanel } from './MetricsPanel';
import { ResultsTable } from './ResultsTable';
import { HelpPanel } from './HelpPanel';
import { OpenSegmentation } from './OpenSegmentation';
import { CompareView } from './CompareView';
import { MeasurementsPanel } from './MeasurementsPanel';
import { LabelPanel } from './LabelPanel';
import './viewer.css';

export function ViewerPanel() {
  const refresh = useCacheStore((s) => s.refresh);
  const status = useViewerStore((s) => s.status);
  const error = useViewerStore((s) => s.error);
  const volume = useViewerStore((s) => s.volume);
  const layout = useViewerStore((s) => s.layout);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <section className="panel viewer-panel" aria-label="Viewer">
      <div className="panel-head">
        <h2>Viewer</h2>
        <PatientPicker />
      </div>
      {status === 'loading' && <p className="muted">Loading slices…</p>}
      {error && <p className="error">{error}</p>}
      {volume && (
        <div className="viewer-body" data-testid="viewer-body" data-kind={volume.kind}>
          <div className="viewer-main">
            <ViewerToolbar />
            {layout === 'compare' ? <CompareView /> : <Viewport />}
            <SliceStrip />
          </div>
          <div className="viewer-side">
            <VolumeSummary />
            <SegmentPanel />
            <MetricsPanel />
            <OverlayControls />
            <MeasurementsPanel />
            <LabelPanel />
            <OpenSegmentation />
            <HelpPanel />
          </div>
        </div>
      )}
      <ResultsTable />
    </section>
  );
}

function VolumeSummary() {
  const volume = useViewerStore((s) => s.volume);
  const stats = useViewerStore((s) => s.stats);
  const hasPrediction = useViewerStore((s) => s.prediction !== null);
  if (!volume) return null;
  const dice = hasPrediction ? volumeDice(stats) : null;
  const [row, col, slice] = volume.spacing;
  return (
    <p className="muted" data-testid="volume-summary">
      {volume.name}: {volume.slices} slices of {volume.width}×{volume.height}, {col.toFixed(2)}×{row.toFixed(2)}×{slice.toFixed(2)} mm
      {volume.kind === 'hu' ? ', HU' : ', cached'}
      {dice !== null && <span data-testid="volume-dice">; Dice {dice.toFixed(3)}</span>}
    </p>
  );
}
