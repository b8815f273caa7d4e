// Preprocessing settings (reference defaults, editable), the start button, and the live
// progress per patient and overall (slices/s, time left), with cancel; beside it, the dropped
// patients' export for nnU-Net / MONAI.
import { useIngestStore } from '../state/ingestStore';
import { useCacheStore, type PatientProgress } from '../state/cacheStore';
import { DEFAULT_PIPELINE_PARAMS, type PipelineParams } from '../pipeline/params';
import { formatSeconds } from './format';
import { MsdExportButton } from './MsdExportButton';

export function PreprocessPanel() {
  const patients = useIngestStore((s) => s.patients);
  const sources = useIngestStore((s) => s.sources);
  const scanning = useIngestStore((s) => s.phase === 'scanning');
  const { params, setParams, run, preprocess, cancel, error } = useCacheStore();
  const usable = patients.filter((p) => p.usable);
  const organs = [...new Set(usable.flatMap((p) => p.organs.map((o) => o.organ)))].sort();
  const missingOrgan = usable.filter((p) => !p.organs.some((o) => o.organ === params.organ)).map((p) => p.name);

  return (
    <section className="panel" aria-label="Preprocess">
      <div className="panel-head">
        <h2>Preprocess and cache</h2>
        <span className="muted">HU → window → {params.organ} range → CLAHE → keep, in Web Workers</span>
      </div>
      <div className="settings">
        <label>
          Organ
          <select value={params.organ} onChange={(e) => setParams({ organ: e.target.value })}>
            {(organs.length ? organs : [params.organ]).map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <NumberSetting label="Window width (HU)" field="windowWidth" min={1} params={params} onChange={setParams} />
        <NumberSetting label="Window centre (HU)" field="windowCenter" params={params} onChange={setParams} />
        <NumberSetting label="CLAHE clip limit" field="claheClipLimit" min={0} step={0.1} params={params} onChange={setParams} />
        <NumberSetting label="CLAHE tiles across" field="claheTilesX" min={1} params={params} onChange={setParams} />
        <NumberSetting label="CLAHE tiles down" field="claheTilesY" min={1} params={params} onChange={setParams} />
        <NumberSetting label="Margin (slices)" field="margin" min={0} params={params} onChange={setParams} />
        <button className="link" onClick={() => setParams({ ...DEFAULT_PIPELINE_PARAMS })}>
          Reference defaults
        </button>
      </div>
      {missingOrgan.length > 0 && (
        <p className="warning" role="note">
          No {params.organ} mask for: {missingOrgan.join(', ')} — cached whole (every slice) and marked “no ground truth”: they can be viewed and
          segmented, not trained on.
        </p>
      )}
      <div className="actions">
        <button className="primary" disabled={scanning || usable.length === 0 || run?.running} onClick={() => void preprocess(usable, sources)}>
          Preprocess and cache {usable.length} {usable.length === 1 ? 'patient' : 'patients'}
        </button>
        {run?.running && <button onClick={cancel}>Cancel</button>}
        <MsdExportButton owner="dropped" patients={usable.filter((p) => !missingOrgan.includes(p.name)).map((p) => p.name)} organ={params.organ} name={params.organ} />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {run && <RunProgress />}
    </section>
  );
}

function NumberSetting({ label, field, params, onChange, min, step = 1 }: {
  label: string;
  field: keyof Omit<PipelineParams, 'organ'>;
  params: PipelineParams;
  onChange: (p: Partial<PipelineParams>) => void;
  min?: number;
  step?: number;
}) {
  return (
    <label>
      {label}
      <input type="number" value={params[field]} min={min} step={step} onChange={(e) => onChange({ [field]: Number(e.target.value) })} />
    </label>
  );
}

function RunProgress() {
  const run = useCacheStore((s) => s.run)!;
  const total = run.patients.reduce((a, p) => a + p.slices, 0);
  const done = run.patients.reduce((a, p) => a + p.slices * (p.stage === 'failed' || p.stage === 'cancelled' ? 1 : p.fraction), 0);
  const elapsed = ((run.finishedAt ?? run.updatedAt) - run.startedAt) / 1000;
  const rate = elapsed > 0 ? done / elapsed : 0;
  const left = rate > 0 ? (total - done) / rate : Infinity;
  const status = run.cancelled
    ? 'Cancelled — nothing half-written was kept.'
    : run.running
      ? `${Math.round((100 * done) / Math.max(1, total))}% · ${rate.toFixed(0)} slices/s · ${formatSeconds(left)} left`
      : `Done in ${formatSeconds(elapsed)} · ${rate.toFixed(0)} slices/s`;
  return (
    <div className="run" data-testid="preprocess-run" data-run-ms={run.finishedAt === null ? undefined : Math.round(run.finishedAt - run.startedAt)}>
      <div className="overall">
        <progress aria-label="Preprocessing, all patients" max={1} value={total ? done / total : 0} />
        <span role="status" data-testid="preprocess-status">
          {status}
        </span>
      </div>
      <ul className="per-patient">
        {run.patients.map((p) => (
          <PatientLine key={p.name} p={p} />
        ))}
      </ul>
    </div>
  );
}

const STAGE_LABEL: Record<PatientProgress['stage'], string> = {
  waiting: 'waiting',
  hash: 'checking the cache',
  read: 'reading DICOM',
  process: 'HU, window, CLAHE',
  store: 'writing to the cache',
  done: 'cached',
  failed: 'failed',
  cancelled: 'cancelled',
};

function describeTimes(t: PatientProgress['times']): string | undefined {
  if (!t) return undefined;
  const s = (ms: number) => formatSeconds(ms / 1000);
  return `check cache ${s(t.hashMs)} · read ${s(t.readMs)} · window ${s(t.windowMs)} · CLAHE ${s(t.claheMs)} · store ${s(t.storeMs)}`;
}

function PatientLine({ p }: { p: PatientProgress }) {
  return (
    <li
      data-testid="preprocess-patient"
      data-patient={p.name}
      data-stage={p.stage}
      data-times={p.times ? JSON.stringify(p.times) : undefined}
      title={describeTimes(p.times)}
      className={p.stage}
    >
      <span className="name">{p.name}</span>
      <progress aria-label={`Preprocessing ${p.name}`} max={1} value={p.fraction} />
      <span>
        {p.stage === 'done' && p.fromCache ? 'already cached' : STAGE_LABEL[p.stage]}
        {p.message ? `: ${p.message}` : ''}
      </span>
    </li>
  );
}
