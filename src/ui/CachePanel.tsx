// Cached datasets (they survive reloads): rename, delete, export as the reference HDF5 or (from the
// dropped originals) for nnU-Net / MONAI; and how
// much browser storage is used out of the quota.
import { useEffect, useState } from 'react';
import { useCacheStore } from '../state/cacheStore';
import type { CachedDataset } from '../storage/schema';
import { downloadBlob, exportDatasetHdf5 } from '../workers/exportClient';
import { formatBytes } from './format';
import { MsdExportButton } from './MsdExportButton';

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
          <span className="name">{d.name}</span>
        )}
      </td>
      <td title={d.patientNames.join(', ')}>{d.patientNames.length}</td>
      <td data-testid="dataset-slices">{d.slices}</td>
      <td>{formatBytes(d.bytes)}</td>
      <td className="muted">
        {p.organ} · W{p.windowWidth}/L{p.windowCenter} · clip {p.claheClipLimit}, {p.claheTilesX}×{p.claheTilesY}
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
        {busy && <span className="muted">{busy}</span>}
      </td>
    </tr>
  );
}
