// Overlay switches: ground truth, prediction and difference, each with visibility, opacity and
// fill/outline, and a colour legend (an outlined swatch when drawn as an outline). The prediction
// comes from 'Segment this patient'; the truth is outlined from the start, so the prediction can be
// filled over it. Keys: G, P and D (the difference view, which hides the other two while it is on).
import type { OverlayKind } from '../../viewer';
import { useViewerStore } from '../../state/viewerStore';

const ROWS: { kind: OverlayKind; label: string; key: string; legend: [string, string][] }[] = [
  { kind: 'truth', label: 'Ground truth', key: 'G', legend: [['#00dc5a', 'liver (expert)']] },
  { kind: 'prediction', label: 'Prediction', key: 'P', legend: [['#ff7800', 'liver (model)']] },
  {
    kind: 'difference',
    label: 'Difference',
    key: 'D',
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
      {ROWS.map(({ kind, label, key, legend }) => {
        const style = overlays[kind];
        const available = kind === 'truth' ? hasTruth : hasPrediction && (kind === 'prediction' || hasTruth);
        return (
          <div key={kind} className="overlay-row" data-testid={`overlay-${kind}`} data-visible={style.visible} data-outline={style.outline}>
            <label title={`${label} on / off (${key})`}>
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
                  <i className={style.outline ? 'outlined' : undefined} style={{ background: colour, color: colour }} /> {text}
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
