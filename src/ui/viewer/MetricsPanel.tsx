// The current patient's scorecard once it is segmented: volume Dice, IoU, Hausdorff 95 and the
// predicted and true liver volumes, as a two-column table with the units in the row headers (so
// the values stay on one line at any panel width). Metrics that cannot be computed (no ground truth,
// an empty mask) are greyed and the reason is said. Reads the store only.
import { useSegmentStore } from '../../state/segmentStore';

const fixed = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

export function MetricsPanel() {
  const metrics = useSegmentStore((s) => s.metrics);
  if (!metrics) return null;
  const rows: [string, string, string, boolean][] = [
    ['Dice', 'metric-dice', fixed(metrics.dice, 3), metrics.dice !== null],
    ['IoU', 'metric-iou', fixed(metrics.iou, 3), metrics.iou !== null],
    ['HD95 (mm)', 'metric-hd95', fixed(metrics.hausdorff95Mm, 1), metrics.hausdorff95Mm !== null],
    ['Predicted volume (mL)', 'metric-predicted-ml', fixed(metrics.predictedMl, 1), true],
    ['True volume (mL)', 'metric-true-ml', fixed(metrics.trueMl, 1), metrics.trueMl !== null],
  ];
  return (
    <div className="metrics-panel" data-testid="patient-metrics">
      <table aria-label="Segmentation metrics of this patient">
        <tbody>
          {rows.map(([label, id, value, available]) => (
            <tr key={id} className={available ? '' : 'unavailable'} title={available ? undefined : (metrics.reason ?? undefined)}>
              <th scope="row">{label}</th>
              <td data-testid={id}>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {metrics.reason && <p className="muted" data-testid="metrics-reason">{metrics.reason}</p>}
    </div>
  );
}
