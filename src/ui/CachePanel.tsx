// Cached datasets (they survive reloads): rename, delete, export as the reference HDF5 or (from the
// dropped originals) for nnU-Net / MONAI; where each stands in the work (runs trained on it, its best
// model); and how much browser storage is used out of the quota.
import { useEffect, useState } from 'react';
import { useCacheStore } from '../state/cacheStore';
import { useTrainingStore } from '../state/trainingStore';
import type { CachedDataset } from '../storage/schema';
import { downloadBlob, exportDatasetHdf5 } from '../workers/exportClient';
import { formatBytes } from './format';
import { MsdExportButton } from './MsdExportButton';
import { ShortName } from './ShortName';

export function CachePanel() {
  const { datasets, storage, refresh } = useCacheStore();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <section className="panel" aria-label="Cached datasets">
      <div className="panel-head">
        <h2>Cached datasets</h2>
        <span className="muted" data-testid="storage-figures">
          {storage.usage !== null && storage.quota !== null
            ? `${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)}`
            : 'storage figures unavailable'}
          {storage.persisted ? ' · persistent' : ''}
        </span>
      </div>
      {datasets.length === 0 ? (
        <p className="empty">Nothing cached yet. Preprocessed datasets appear here and stay after a reload.</p>
      ) : (
        <table className="datasets">
          <thead>
            <tr>
              <th>Name</th>
              <th>Patients</th>
              <th>Slices</th>
              <th>Size</th>
              <th>Organ · window · CLAHE</th>
              <th>Training</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <DatasetRow key={d.id} d={d} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DatasetRow({ d }: { d: CachedDataset }) {
  const { rename, remove } = useCacheStore();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(d.name);
  const [busy, setBusy] = useState<string | null>(null);
  const p = d.params;
  const exportH5 = async () => {
    setBusy('exporting…');
    try {
      downloadBlob(await exportDatasetHdf5(d.id), `${d.name.replace(/[^\w.-]+/g, '_')}.h5`);
      setBusy(null);
    } catch (e) {
      setBusy(`export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <tr data-testid="dataset-row" data-dataset={d.name}>
      <td>
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              void rename(d.id, name);
            }}
          >
            <input aria-label="Dataset name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            <button type="submit">Save</button>
          </form>
        ) : (
          <span className="name">
            <ShortName name={d.name} />
          </span>
        )}
      </td>
      <td title={d.patientNames.join(', ')}>{d.patientNames.length}</td>
      <td data-testid="dataset-slices">{d.slices}</td>
      <td>{formatBytes(d.bytes)}</td>
      <td className="muted">
        {p.organ} · W{p.windowWidth}/L{p.windowCenter} · clip {p.claheClipLimit}, {p.claheTilesX}×{p.claheTilesY}
      </td>
      <td data-testid="dataset-training">
        <TrainingOf datasetId={d.id} />
      </td>
      <td className="row-actions">
        <button onClick={() => setEditing(true)}>Rename</button>
        <button onClick={() => void exportH5()} disabled={busy === 'exporting…'}>
          Export HDF5
        </button>
        <MsdExportButton owner={d.id} patients={d.patientNames} organ={p.organ} name={d.name} />
        <button
          onClick={() => {
            if (confirm(`Delete the cached dataset “${d.name}”? The original files are not touched.`)) void remove(d.id);
          }}
        >
          Delete
        </button>
        {busy === 'exporting…' ? (
          <span className="busy">
            <progress aria-label={`Exporting ${d.name} as HDF5`} /> exporting…
          </span>
        ) : (
          busy && <span className="muted">{busy}</span>
        )}
      </td>
    </tr>
  );
}

/** "2 runs · best model val Dice 0.640", "training…", or "not trained yet". */
function TrainingOf({ datasetId }: { datasetId: string }) {
  const runs = useTrainingStore((s) => s.runs).filter((r) => r.datasetId === datasetId);
  const models = useTrainingStore((s) => s.models);
  const live = useTrainingStore((s) => s.live);
  if (runs.length === 0) return <span className="muted">not trained yet</span>;
  const training = runs.some((r) => live?.runId === r.id && (live.status === 'running' || live.status === 'starting' || live.status === 'paused'));
  const runIds = new Set(runs.map((r) => r.id));
  const dice = models.filter((m) => m.runId && runIds.has(m.runId) && m.valDice !== null).map((m) => m.valDice!);
  const best = dice.length ? `best model val Dice ${Math.max(...dice).toFixed(3)}` : 'no model yet';
  return (
    <span>
      {runs.length} {runs.length === 1 ? 'run' : 'runs'} · {training ? 'training…' : best}
    </span>
  );
}
