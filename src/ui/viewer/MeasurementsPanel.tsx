// The measurements drawn on this patient (Cornerstone's length and ellipse ROI tools): each with its
// value — mm, or mean ± SD and area — and its slice (click to go there), removable one by one or
// all at once. Values come from the viewer (Cornerstone's own statistics); layout only.
import { useViewerStore } from '../../state/viewerStore';
import type { Measurement } from '../../viewer';

function describe(m: Measurement): string {
  const unit = m.unit ? ` ${m.unit}` : '';
  if (m.kind === 'length') return m.lengthMm === undefined ? 'length …' : `${m.lengthMm.toFixed(1)} mm`;
  if (m.mean === undefined) return 'ellipse …';
  return `${m.mean.toFixed(1)} ± ${(m.stdDev ?? 0).toFixed(1)}${unit}, ${(m.areaMm2 ?? 0).toFixed(0)} mm²`;
}

export function MeasurementsPanel() {
  const measurements = useViewerStore((s) => s.measurements);
  const tool = useViewerStore((s) => s.tool);
  const { goToSlice, removeMeasurement, clearMeasurements } = useViewerStore.getState();
  if (measurements.length === 0) {
    return tool === 'windowLevel' ? null : (
      <p className="muted measurements-hint">Drag on the image to draw {tool === 'length' ? 'a length' : 'an ellipse ROI'}.</p>
    );
  }
  return (
    <section className="measurements" aria-label="Measurements" data-testid="measurements">
      <div className="panel-head">
        <h3>Measurements</h3>
        <button type="button" onClick={clearMeasurements}>
          Clear all
        </button>
      </div>
      <table>
        <tbody>
          {measurements.map((m, i) => (
            <tr key={m.id} data-testid="measurement" data-kind={m.kind} data-length-mm={m.lengthMm} data-mean={m.mean}>
              <th scope="row">{m.kind === 'length' ? `Length ${i + 1}` : `ROI ${i + 1}`}</th>
              <td className="measurement-value">{describe(m)}</td>
              <td>
                {m.slice !== null && (
                  <button type="button" className="link" onClick={() => goToSlice(m.slice!)} aria-label={`Go to slice ${m.slice + 1}`}>
                    slice {m.slice + 1}
                  </button>
                )}
              </td>
              <td>
                <button type="button" aria-label={`Remove ${m.kind === 'length' ? 'length' : 'ROI'} ${i + 1}`} onClick={() => removeMeasurement(m.id)}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
