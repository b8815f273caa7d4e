// Overlay switches: ground truth, prediction and difference, each with visibility, opacity and
// fill/outline, and a colour legend. The prediction comes from 'Segment this patient'.
import type { OverlayKind } from '../../viewer';
import { useViewerStore } from '../../state/viewerStore';

const ROWS: { kind: OverlayKind; label: string; legend: [string, string][] }[] = [
  { kind: 'truth', label: 'Ground truth', legend: [['#00dc5a', 'liver']] },
  { kind: 'prediction', label: 'Prediction', legend: [['#ff7800', 'liver']] },
  {
    kind: 'difference',
    label: 'Difference',
    legend: [
      ['#ffe600', 'true positive'],
      ['#e61e1e', 'false positive'],
      ['#286eff', 'false negative'],
    ],
  },
];

export function OverlayControls() {
  const overlays = useViewerStore((s) => s.overlays);
  const hasTruth = useViewerStore((s) => Boolean(s.volume?.truth));
  const hasPrediction = useViewerStore((s) => s.prediction !== null);
  const { setOverlay } = useViewerStore.getState();
  return (
    <fieldset className="overlay-controls">
      <legend>Overlays</legend>
      {ROWS.map(({ kind, label, legend }) => {
        const style = overlays[kind];
        const available = kind === 'truth' ? hasTruth : hasPrediction && (kind === 'prediction' || hasTruth);
        return (
          <div key={kind} className="overlay-row" data-testid={`overlay-${kind}`}>
            <label>
              <input type="checkbox" checked={style.visible} disabled={!available} onChange={(e) => setOverlay(kind, { visible: e.target.checked })} />
              {label}
            </label>
            <label className="opacity">
              <span className="muted">opacity</span>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={style.opacity}
                disabled={!available}
                aria-label={`${label} opacity`}
                onChange={(e) => setOverlay(kind, { opacity: Number(e.target.value) })}
              />
            </label>
            <label>
              <input type="checkbox" checked={style.outline} disabled={!available} aria-label={`${label} outline only`} onChange={(e) => setOverlay(kind, { outline: e.target.checked })} />
              outline
            </label>
            <span className="legend">
              {legend.map(([colour, text]) => (
                <span key={text}>
                  <i style={{ background: colour }} /> {text}
                </span>
              ))}
            </span>
          </div>
        );
      })}
      {!hasPrediction && <p className="muted">No prediction yet: segment this patient with a model above.</p>}
    </fieldset>
  );
}
