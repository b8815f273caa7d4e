// Results across a dataset: "Segment all" runs the chosen model over every cached patient (in the
// worker, one at a time), then a table sortable by any column (click its header), exported as CSV.
// Layout only; numbers come from the segment store.
import { useCacheStore } from '../../state/cacheStore';
import { sortedResults, useSegmentStore, type ResultColumn } from '../../state/segmentStore';
import { useViewerStore } from '../../state/viewerStore';

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
  const sort = useSegmentStore((s) => s.sort);
  const hasModel = useSegmentStore((s) => s.modelId !== null);
  const { segmentAll, sortBy, exportCsv } = useSegmentStore.getState();
  const dataset = datasets.find((d) => d.id === viewerDataset) ?? datasets[0];
  if (!dataset) return null;
  const rows = sortedResults(results, sort);
  return (
    <section className="results" aria-label="Results">
      <div className="panel-head">
        <h3>Results on {dataset.name}</h3>
        <div className="row-actions">
          <button type="button" disabled={!hasModel || status === 'running'} onClick={() => void segmentAll(dataset.id)}>
            Segment all
          </button>
          <button type="button" disabled={rows.length === 0} onClick={exportCsv}>
            Export CSV
          </button>
        </div>
      </div>
      {progress && <p className="muted" data-testid="results-progress">{progress}</p>}
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
        </table>
      )}
    </section>
  );
}
