// Results across a dataset: "Segment all" runs the chosen model over every cached patient (in the
// worker, one at a time), then a table sortable by any column (click its header), exported as CSV.
// Layout only; numbers come from the segment store.
import { useCacheStore } from '../../state/cacheStore';
import { sortedResults, useSegmentStore, type ResultColumn } from '../../state/segmentStore';
import type { ResultRow } from '../../workers/infer.worker';
import { useViewerStore } from '../../state/viewerStore';
import { ShortName } from '../ShortName';

const COLUMNS: { id: ResultColumn; label: string; digits: number }[] = [
  { id: 'patient', label: 'Patient', digits: 0 },
  { id: 'slices', label: 'Slices', digits: 0 },
  { id: 'dice', label: 'Dice', digits: 3 },
  { id: 'iou', label: 'IoU', digits: 3 },
  { id: 'hausdorff95Mm', label: 'HD95 (mm)', digits: 1 },
  { id: 'predictedMl', label: 'Predicted (mL)', digits: 1 },
  { id: 'trueMl', label: 'True (mL)', digits: 1 },
];

export function ResultsTable() {
  const datasets = useCacheStore((s) => s.datasets);
  const viewerDataset = useViewerStore((s) => s.datasetId);
  const results = useSegmentStore((s) => s.results);
  const status = useSegmentStore((s) => s.resultsStatus);
  const progress = useSegmentStore((s) => s.resultsProgress);
  const count = useSegmentStore((s) => s.resultsCount);
  const sort = useSegmentStore((s) => s.sort);
  const hasModel = useSegmentStore((s) => s.modelId !== null);
  const { segmentAll, sortBy, exportCsv } = useSegmentStore.getState();
  const dataset = datasets.find((d) => d.id === viewerDataset) ?? datasets[0];
  if (!dataset) return null;
  const rows = sortedResults(results, sort);
  return (
    <section className="results" aria-label="Results">
      <div className="panel-head">
        <h3>
          Results on <ShortName name={dataset.name} />
        </h3>
        <div className="row-actions">
          <button type="button" disabled={!hasModel || status === 'running'} onClick={() => void segmentAll(dataset.id)}>
            Segment all
          </button>
          <button type="button" disabled={rows.length === 0} onClick={exportCsv}>
            Export CSV
          </button>
        </div>
      </div>
      {progress && (
        <p className="muted busy" data-testid="results-progress">
          {status === 'running' && <progress aria-label="Segmenting every patient" max={count?.total ?? undefined} value={count ? count.done : undefined} />}
          {progress}
        </p>
      )}
      {rows.length > 0 && (
        <table className="datasets results-table" data-testid="results-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.id} aria-sort={sort.column === c.id ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="link" onClick={() => sortBy(c.id)}>
                    {c.label}
                    {sort.column === c.id ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.patientKey} data-testid="result-row">
                {COLUMNS.map((c) => {
                  const v = c.id === 'patient' ? r.patient : c.id === 'slices' ? r.slices : r.metrics[c.id];
                  return <td key={c.id}>{typeof v === 'number' && c.digits > 0 ? v.toFixed(c.digits) : v === null ? '—' : v}</td>;
                })}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <MeanRow rows={rows} />
          </tfoot>
        </table>
      )}
    </section>
  );
}

/** The mean of each column over the patients that have a value (a metric without ground truth is left out). */
function MeanRow({ rows }: { rows: ResultRow[] }) {
  return (
    <tr data-testid="result-mean">
      {COLUMNS.map((c) => {
        if (c.id === 'patient')
          return (
            <th key={c.id} scope="row">
              Mean of {rows.length}
            </th>
          );
        const id = c.id;
        const values = rows.map((r) => (id === 'slices' ? r.slices : r.metrics[id])).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        const mean = values.length ? values.reduce((a, v) => a + v, 0) / values.length : null;
        return <td key={c.id}>{mean === null ? '—' : mean.toFixed(c.digits === 0 ? 1 : c.digits)}</td>;
      })}
    </tr>
  );
}
