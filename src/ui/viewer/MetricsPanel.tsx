// The current patient's scorecard once it is segmented: volume Dice, IoU, Hausdorff 95 (mm) and
// the predicted and true liver volumes (mL, from the cached spacing). Metrics that cannot be
// computed (no ground truth, an empty mask) are greyed and the reason is said. Reads the store only.
import { useSegmentStore } from '../../state/segmentStore';

const fixed = (v: number | null, digits: number, unit = '') => (v === null ? '—' : `${v.toFixed(digits)}${unit}`);

export function MetricsPanel() {
  const metrics = useSegmentStore((s) => s.metrics);
  if (!metrics) return null;
  const rows: [string, string, string, boolean][] = [
    ['Dice', 'metric-dice', fixed(metrics.dice, 3), metrics.dice !== null],
    ['IoU', 'metric-iou', fixed(metrics.iou, 3), metrics.iou !== null],
    ['Hausdorff 95', 'metric-hd95', fixed(metrics.hausdorff95Mm, 1, ' mm'), metrics.hausdorff95Mm !== null],
    ['Predicted volume', 'metric-predicted-ml', fixed(metrics.predictedMl, 1, ' mL'), true],
    ['True volume', 'metric-true-ml', fixed(metrics.trueMl, 1, ' mL'), metrics.trueMl !== null],
  ];
  return (
    <div className="metrics-panel" data-testid="patient-metrics">
      <dl>
        {rows.map(([label, id, value, available]) => (
          <div key={id} className={available ? '' : 'unavailable'} title={available ? undefined : (metrics.reason ?? undefined)}>
            <dt>{label}</dt>
            <dd data-testid={id}>{value}</dd>
          </div>
        ))}
      </dl>
      {metrics.reason && <p className="muted" data-testid="metrics-reason">{metrics.reason}</p>}
    </div>
  );
}
