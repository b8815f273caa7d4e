// The current patient's scorecard once it is segmented: volume Dice, IoU, Hausdorff 95 (mm) and the
// predicted and true liver volumes (mL), units in the row headers so values stay on one line at any
// panel width; for what was segmented (the whole scan, or the cached kept slab, said so) and, beside a whole scan with ground truth, the same for the kept slab the model
// trains on (the slices it was validated on), labelled. Metrics that cannot be computed (no ground
// truth, an empty mask) are greyed and the reason is said. Reads the store only.
import type { PatientMetrics } from '../../metrics/patientMetrics';
import { useSegmentStore } from '../../state/segmentStore';

const fixed = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

const ROWS: [string, string, (m: PatientMetrics) => string, (m: PatientMetrics) => boolean][] = [
  ['Dice', 'dice', (m) => fixed(m.dice, 3), (m) => m.dice !== null],
  ['IoU', 'iou', (m) => fixed(m.iou, 3), (m) => m.iou !== null],
  ['HD95 (mm)', 'hd95', (m) => fixed(m.hausdorff95Mm, 1), (m) => m.hausdorff95Mm !== null],
  ['Predicted volume (mL)', 'predicted-ml', (m) => fixed(m.predictedMl, 1), () => true],
  ['True volume (mL)', 'true-ml', (m) => fixed(m.trueMl, 1), (m) => m.trueMl !== null],
];

export function MetricsPanel() {
  const metrics = useSegmentStore((s) => s.metrics);
  const slabMetrics = useSegmentStore((s) => s.slabMetrics);
  const target = useSegmentStore((s) => s.target);
  if (!metrics || !target) return null;
  const slabLabel = (from: number, to: number) => `Kept slab (slices ${from + 1}–${to + 1}, as trained)`;
  const columns: { label: string; prefix: string; m: PatientMetrics }[] = [
    {
      label: target.scope === 'scan' ? `Whole scan (${target.slices} slices)` : slabLabel(target.seriesOffset, target.seriesOffset + target.slices - 1),
      prefix: 'metric',
      m: metrics,
    },
    ...(slabMetrics && target.slab ? [{ label: slabLabel(...target.slab), prefix: 'slab-metric', m: slabMetrics }] : []),
  ];
  return (
    <div className="metrics-panel" data-testid="patient-metrics" data-scope={target.scope}>
      <table aria-label="Segmentation metrics of this patient">
        <thead>
          <tr>
            <th />
            {columns.map((c) => (
              <th key={c.prefix} scope="col" data-testid={`${c.prefix}-scope`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map(([label, id, show, available]) => (
            <tr key={id}>
              <th scope="row">{label}</th>
              {columns.map((c) => (
                <td key={c.prefix} data-testid={`${c.prefix}-${id}`} className={available(c.m) ? '' : 'unavailable'} title={available(c.m) ? undefined : (c.m.reason ?? undefined)}>
                  {show(c.m)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {metrics.reason && <p className="muted" data-testid="metrics-reason">{metrics.reason}</p>}
    </div>
  );
}
