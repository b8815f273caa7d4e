// Models kept for segmentation: each run's best, imported ones (tfjs layers, or ONNX with its sidecar —
// asked for when missing), and the starter model the app ships (with what it was trained on, its
// held-out Dice and "not for clinical use"; it cannot be deleted). Export to files, import back, and
// evaluate on a cached dataset's patients.
import { useState } from 'react';
import { useTrainingStore } from '../../state/trainingStore';
import { useCacheStore } from '../../state/cacheStore';
import { exportModelFiles, importModelFiles, importOnnxModel } from '../../state/modelFilesActions';
import type { OnnxShapes, OnnxSidecar } from '../../model/onnxSidecar';
import { patientsWithTruth } from '../../model/patientSplit';
import { inferWorker } from '../../workers/inferClient';
import { OnnxSidecarForm } from './OnnxSidecarForm';
import { describeStarter } from '../../state/starterModel';

/** One evaluation at a time: the inference worker holds one loaded model. */
let evaluations: Promise<unknown> = Promise.resolve();

export function ModelsList() {
  const { models, refresh, removeModel } = useTrainingStore();
  const datasets = useCacheStore((s) => s.datasets);
  const [message, setMessage] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, string>>({});
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

  const onEvaluate = async (modelId: string) => {
    const d = datasets[0];
    if (!d) return setMessage('no cached dataset to evaluate on');
    setResults({ ...results, [modelId]: 'evaluating…' });
    try {
      const job = evaluations.then(() => inferWorker().evaluate(modelId, patientsWithTruth(d).map((p) => p.key)));
      evaluations = job.catch(() => undefined);
      const r = await job;
      const text = `${d.name}: mean Dice ${r.meanDice.toFixed(4)} (${r.perPatient.map((p) => `${p.name} ${p.dice.toFixed(4)}`).join(', ')}) on ${r.backend}`;
      setResults((prev) => ({ ...prev, [modelId]: text }));
    } catch (e) {
      setResults((prev) => ({ ...prev, [modelId]: `failed: ${e instanceof Error ? e.message : String(e)}` }));
    }
  };

  return (
    <div className="models">
      <div className="panel-head">
        <h3>Models</h3>
        <label className="button">
          Import model…
          <input type="file" data-testid="model-import" multiple accept=".json,.bin,.onnx" hidden onChange={(e) => void onImport(e.currentTarget.files)} />
        </label>
      </div>
      {asking && <OnnxSidecarForm key={asking.file.name} fileName={asking.file.name} shapes={asking.shapes} onSubmit={(s) => void onSidecar(asking.file, s)} onCancel={() => setAsking(null)} />}
      {message && <p className="muted" role="status" data-testid="models-message">{message}</p>}
      {models.length === 0 ? (
        <p className="empty">The best model of each run appears here; import tfjs layers models (model.json + .bin) or ONNX models (.onnx + .liverlab.json) too.</p>
      ) : (
        <table className="models-table">
          <tbody>
            {models.map((m) => (
              <tr key={m.id} data-testid="model-row" data-model={m.name} data-source={m.source}>
                <td>{m.name}</td>
                <td title={m.source === 'starter' ? describeStarter(m.about) : undefined}>
                  {m.source === 'starter' ? `ships with LiverLab: ${describeStarter(m.about)}` : m.source === 'import' ? (m.format === 'onnx' ? 'imported ONNX' : 'imported') : 'trained here'}
                </td>
                <td>{m.size}²</td>
                <td>{m.valDice !== null ? `val Dice ${m.valDice.toFixed(3)}` : ''}</td>
                <td className="row-actions">
                  <button onClick={() => void exportModelFiles(m.id)}>Export</button>
                  <button onClick={() => void onEvaluate(m.id)}>Evaluate</button>
                  {m.source !== 'starter' && <button onClick={() => void removeModel(m.id)}>Delete</button>}
                  {results[m.id] && <span data-testid="model-evaluation">{results[m.id]}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
