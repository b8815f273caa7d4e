// Models kept for segmentation: each run's best, imported ones (tfjs layers, or ONNX with its sidecar —
// asked for when missing), and the starter model the app ships (with what it was trained on, its
// held-out Dice and "not for clinical use"; it cannot be deleted). Export to files, import back
// ("Import model…": a real button, reachable by keyboard, that opens the file picker), and evaluate
// on the cached dataset the user picks: Dice per patient, with their mean.
import { useRef, useState } from 'react';
import { useTrainingStore } from '../../state/trainingStore';
import { useCacheStore } from '../../state/cacheStore';
import { exportModelFiles, importModelFiles, importOnnxModel } from '../../state/modelFilesActions';
import type { OnnxShapes, OnnxSidecar } from '../../model/onnxSidecar';
import { patientsWithTruth } from '../../model/patientSplit';
import { inferWorker } from '../../workers/inferClient';
import { OnnxSidecarForm } from './OnnxSidecarForm';
import { describeStarter } from '../../state/starterModel';
import { shortName } from '../format';
import { ShortName } from '../ShortName';

/** One evaluation at a time: the inference worker holds one loaded model. */
let evaluations: Promise<unknown> = Promise.resolve();

interface Evaluation {
  dataset: string;
  status: 'running' | 'done' | 'failed';
  message?: string;
  perPatient?: { name: string; dice: number }[];
  meanDice?: number;
  backend?: string;
}

export function ModelsList() {
  const { models, refresh, removeModel } = useTrainingStore();
  const datasets = useCacheStore((s) => s.datasets);
  const [message, setMessage] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, Evaluation>>({});
  const [exporting, setExporting] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const dataset = datasets.find((d) => d.id === chosen) ?? datasets[0] ?? null;
  const [asking, setAsking] = useState<{ file: File; shapes: OnnxShapes } | null>(null);

  const onImport = async (list: FileList | null) => {
    setAsking(null);
    try {
      const outcome = await importModelFiles(Array.from(list ?? []));
      if ('needsSidecar' in outcome) {
        setAsking(outcome.needsSidecar);
        setMessage(null);
        return;
      }
      setMessage('model imported');
      await refresh();
    } catch (e) {
      setMessage(`import failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const onSidecar = async (file: File, sidecar: OnnxSidecar) => {
    try {
      await importOnnxModel(file, sidecar);
      setAsking(null);
      setMessage('model imported');
      await refresh();
    } catch (e) {
      setMessage(`import failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const onExport = async (modelId: string) => {
    setExporting(modelId);
    try {
      await exportModelFiles(modelId);
    } catch (e) {
      setMessage(`export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setExporting(null);
    }
  };

  const onEvaluate = async (modelId: string) => {
    const d = dataset;
    if (!d) return setMessage('no cached dataset to evaluate on');
    setResults((prev) => ({ ...prev, [modelId]: { dataset: d.name, status: 'running' } }));
    try {
      const job = evaluations.then(() => inferWorker().evaluate(modelId, patientsWithTruth(d).map((p) => p.key)));
      evaluations = job.catch(() => undefined);
      const r = await job;
      setResults((prev) => ({ ...prev, [modelId]: { dataset: d.name, status: 'done', perPatient: r.perPatient, meanDice: r.meanDice, backend: r.backend } }));
    } catch (e) {
      setResults((prev) => ({ ...prev, [modelId]: { dataset: d.name, status: 'failed', message: e instanceof Error ? e.message : String(e) } }));
    }
  };

  return (
    <div className="models">
      <div className="panel-head">
        <h3>Models</h3>
        <button type="button" onClick={() => picker.current?.click()}>
          Import model…
        </button>
        <input ref={picker} type="file" data-testid="model-import" multiple accept=".json,.bin,.onnx" hidden tabIndex={-1} onChange={(e) => void onImport(e.currentTarget.files)} />
      </div>
      {asking && <OnnxSidecarForm key={asking.file.name} fileName={asking.file.name} shapes={asking.shapes} onSubmit={(s) => void onSidecar(asking.file, s)} onCancel={() => setAsking(null)} />}
      {message && <p className="muted" role="status" data-testid="models-message">{message}</p>}
      {models.length === 0 ? (
        <p className="empty">The best model of each run appears here; import tfjs layers models (model.json + .bin) or ONNX models (.onnx + .liverlab.json) too.</p>
      ) : (
        <>
          {datasets.length > 0 && (
            <div className="settings">
              <label>
                Evaluate on
                <select aria-label="Evaluate on" value={dataset?.id ?? ''} title={dataset?.name} onChange={(e) => setChosen(e.target.value)}>
                  {datasets.map((d) => (
                    <option key={d.id} value={d.id} title={d.name}>
                      {shortName(d.name)} — {d.patientNames.length} {d.patientNames.length === 1 ? 'patient' : 'patients'}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          <table className="models-table">
            {models.map((m) => (
              <tbody key={m.id} data-testid="model-row" data-model={m.name} data-source={m.source}>
                <tr>
                  <td>
                    <ShortName name={m.name} />
                  </td>
                  <td title={m.source === 'starter' ? describeStarter(m.about) : undefined}>
                    {m.source === 'starter'
                      ? `ships with LiverLab: ${describeStarter(m.about)}`
                      : m.source === 'import'
                        ? m.format === 'onnx'
                          ? 'imported ONNX'
                          : 'imported'
                        : m.source === 'finetune' && m.finetune
                          ? `fine-tuned from ${m.finetune.parent.name} on ${m.finetune.corrections.slices.length} corrected slices of ${m.finetune.corrections.patient}`
                          : 'trained here'}
                  </td>
                  <td>{m.size}²</td>
                  <td>{m.valDice !== null ? `val Dice ${m.valDice.toFixed(3)}` : ''}</td>
                  <td className="row-actions">
                    <button onClick={() => void onExport(m.id)} disabled={exporting === m.id}>
                      Export
                    </button>
                    {exporting === m.id && <progress className="busy" aria-label={`Exporting ${m.name}`} />}
                    <button onClick={() => void onEvaluate(m.id)} disabled={!dataset || results[m.id]?.status === 'running'}>
                      Evaluate
                    </button>
                    {m.source !== 'starter' && <button onClick={() => void removeModel(m.id)}>Delete</button>}
                  </td>
                </tr>
                {results[m.id] && (
                  <tr className="evaluation-row">
                    <td colSpan={5}>
                      <EvaluationView model={m.name} e={results[m.id]} />
                    </td>
                  </tr>
                )}
              </tbody>
            ))}
          </table>
        </>
      )}
    </div>
  );
}

function EvaluationView({ model, e }: { model: string; e: Evaluation }) {
  if (e.status === 'running') {
    return (
      <span className="busy" data-testid="model-evaluation">
        <progress aria-label={`Evaluating ${model} on ${e.dataset}`} /> evaluating on <ShortName name={e.dataset} />…
      </span>
    );
  }
  if (e.status === 'failed') return <span className="error" data-testid="model-evaluation">failed: {e.message}</span>;
  return (
    <table className="per-patient-dice" data-testid="model-evaluation" aria-label={`Dice of ${model} on ${e.dataset}`}>
      <caption>
        <ShortName name={e.dataset} /> on {e.backend}
      </caption>
      <thead>
        <tr>
          <th scope="col">Patient</th>
          <th scope="col">Dice</th>
        </tr>
      </thead>
      <tbody>
        {e.perPatient!.map((p) => (
          <tr key={p.name} data-patient={p.name}>
            <td>{p.name}</td>
            <td>{p.dice.toFixed(4)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-testid="evaluation-mean">
          <th scope="row">Mean of {e.perPatient!.length}</th>
          <td>{e.meanDice!.toFixed(4)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
