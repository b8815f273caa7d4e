// Setting up a run: which cached dataset, which patients train and which validate (by patient,
// never by slice), a preset and its editable settings, augmentation, the backend; then Start.
import { useMemo, useState } from 'react';
import { useCacheStore } from '../../state/cacheStore';
import { useTrainingStore } from '../../state/trainingStore';
import { defaultPatientSplit, checkPatientSplit, patientsWithTruth } from '../../model/patientSplit';
import { PRESETS, checkTrainerSettings, type PresetName } from '../../model/presets';
import { consecutiveSeeds } from '../../model/seedRepeats';
import type { TrainerSettings } from '../../model/trainer';
import type { BackendName } from '../../model/backends';
import type { CachedDataset } from '../../storage/schema';
import { AugmentPreview } from './AugmentPreview';
import { SettingsFields } from './SettingsFields';
import { shortName } from '../format';

type Side = 'train' | 'val' | 'skip';

export function RunSetup() {
  const datasets = useCacheStore((s) => s.datasets);
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const dataset = datasets.find((d) => d.id === datasetId) ?? datasets[0] ?? null;
  if (!dataset) return <p className="empty">Preprocess and cache a dataset first (the demo dataset works); then train on it here.</p>;
  return <SetupForDataset key={dataset.id} dataset={dataset} datasets={datasets} onDataset={setDatasetId} />;
}

function SetupForDataset({ dataset, datasets, onDataset }: { dataset: CachedDataset; datasets: CachedDataset[]; onDataset: (id: string) => void }) {
  const { start, startRepeat, backendChoice, setBackendChoice, error } = useTrainingStore();
  const trainable = useMemo(() => patientsWithTruth(dataset), [dataset]);
  const withoutTruth = dataset.patientNames.filter((n) => !trainable.some((p) => p.name === n));
  const initial = useMemo(() => defaultPatientSplit(trainable.map((p) => p.name)), [trainable]);
  const [sides, setSides] = useState<Record<string, Side>>(() =>
    Object.fromEntries(trainable.map(({ name: n }) => [n, initial.val.includes(n) ? 'val' : 'train'])),
  );
  const [preset, setPreset] = useState<PresetName>('laptop');
  const [settings, setSettings] = useState<TrainerSettings>(() => structuredClone(PRESETS.laptop.settings));
  const [name, setName] = useState('');
  const pick = (side: Side) => trainable.filter((p) => sides[p.name] === side);
  const train = pick('train');
  const val = pick('val');
  const problem = checkPatientSplit({ train: train.map((p) => p.name), val: val.map((p) => p.name) }) ?? checkTrainerSettings(settings);
  const request = { name: name.trim() || `${dataset.name} · ${PRESETS[preset].label}`, datasetId: dataset.id, train, val, settings };
  const repeatSeeds = consecutiveSeeds(settings.seed, 3);

  return (
    <div className="run-setup" data-testid="run-setup">
      <div className="settings">
        <label>
          Dataset
          <select value={dataset.id} title={dataset.name} data-next-target="train" onChange={(e) => onDataset(e.target.value)}>
            {datasets.map((d) => (
              <option key={d.id} value={d.id} title={d.name}>
                {shortName(d.name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Preset
          <select
            value={preset}
            onChange={(e) => {
              const p = e.target.value as PresetName;
              setPreset(p);
              setSettings(structuredClone(PRESETS[p].settings));
            }}
          >
            {(Object.keys(PRESETS) as PresetName[]).map((p) => (
              <option key={p} value={p}>
                {PRESETS[p].label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Backend
          <select value={backendChoice} onChange={(e) => setBackendChoice(e.target.value as BackendName | 'auto')}>
            <option value="auto">best available (WebGPU → WebGL → WASM → CPU)</option>
            <option value="webgpu">WebGPU</option>
            <option value="webgl">WebGL</option>
            <option value="wasm">WASM</option>
            <option value="cpu">CPU</option>
          </select>
        </label>
        <label>
          Run name
          <input className="run-name" value={name} placeholder={shortName(`${dataset.name} · ${PRESETS[preset].label}`)} title={`${dataset.name} · ${PRESETS[preset].label}`} onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      <p className="muted">{PRESETS[preset].note}</p>
      <SettingsFields settings={settings} onChange={setSettings} />
      <fieldset className="split" aria-label="Patient split">
        <legend>
          Patients — split by patient ({initial.reason})
        </legend>
        {trainable.map(({ name: n }) => (
          <label key={n} className="split-row" data-patient={n}>
            <span>{n}</span>
            <select aria-label={`${n} role`} value={sides[n]} onChange={(e) => setSides({ ...sides, [n]: e.target.value as Side })}>
              <option value="train">train</option>
              <option value="val">validate</option>
              <option value="skip">leave out</option>
            </select>
          </label>
        ))}
        {withoutTruth.length > 0 && <p className="muted">No ground truth, so not trained or validated on: {withoutTruth.join(', ')}</p>}
      </fieldset>
      <AugmentPreview dataset={dataset} settings={settings} />
      {(problem || error) && (
        <p className="error" role="alert">
          {problem ?? error}
        </p>
      )}
      <button className="primary" disabled={problem !== null} onClick={() => void start(request)}>
        Start training
      </button>
      <button disabled={problem !== null} title="The same recipe once per seed, one run after another: each validation patient's median Dice and spread over the seeds" onClick={() => void startRepeat(request, repeatSeeds)}>
        Repeat with 3 seeds ({repeatSeeds.join(', ')})
      </button>
    </div>
  );
}
