// The live run: which backend trains (and why faster ones were skipped), progress, speed, ETA,
// memory, the loss/Dice curves per step and per epoch, per-patient validation Dice, controls.
import { useTrainingStore, type LiveRun } from '../../state/trainingStore';
import { describeFallback } from '../../model/backendFallback';
import { formatBytes, formatSeconds } from '../format';
import { RunCharts } from './RunCharts';

const BACKEND_LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function LiveRunView({ live }: { live: LiveRun }) {
  const { pause, resume, stop } = useTrainingStore();
  const s = live.settings;
  const active = live.status === 'running' || live.status === 'paused' || live.status === 'starting';
  const lastEpoch = live.history.at(-1);
  const perEpoch = live.last?.batchesPerEpoch ?? null;
  const epochNow = lastEpoch?.epoch ?? 0;
  const recent = live.steps.slice(-20);
  const stepMs = recent.length ? recent.reduce((a, r) => a + r.ms, 0) / recent.length : null;
  const stepsDone = live.last ? live.last.step.step + 1 : 0;
  // Steps of the epoch under way (all of them once it is done and validating); 0 before its first step.
  const inEpoch = perEpoch !== null && live.last && live.last.step.epoch === epochNow ? stepsDone - epochNow * perEpoch : live.status === 'finished' ? (perEpoch ?? 1) : 0;
  const stepsLeft = perEpoch !== null ? s.epochs * perEpoch - stepsDone : null;
  const elapsed = (live.updatedAt - live.startedAt) / 1000;
  const stepsThisTab = perEpoch !== null ? stepsDone - live.startEpoch * perEpoch : 0;
  const eta = stepsLeft !== null && stepsThisTab > 0 ? (elapsed / stepsThisTab) * stepsLeft : null;
  return (
    <section className="live-run" data-testid="live-run" data-status={live.status} data-next-target="watch" tabIndex={-1} aria-label={`Training run ${live.name}`}>
      <div className="run-head">
        <span className="backend-badge" data-testid="backend" title={live.skipped.map((k) => `${BACKEND_LABEL[k.backend]}: ${k.reason}`).join('\n')}>
          {live.backend ? `Training on ${BACKEND_LABEL[live.backend]}` : 'choosing a backend…'}
        </span>
        {live.threads && live.backend === 'wasm' && (
          <span className="muted" data-testid="training-threads" title={live.threads.note ?? 'each step’s batch is split over the threads, as one step on the whole batch'}>
            {live.threads.threads > 1 ? `${live.threads.threads} threads` : `1 thread${live.threads.note ? ` (${live.threads.note})` : ''}`}
          </span>
        )}
        <span data-testid="run-status" className={`status ${live.status}`}>
          {live.status}
        </span>
        <span data-testid="epoch-progress">
          epoch {epochNow} / {s.epochs}
        </span>
        <span className="muted" data-testid="live-seed">
          seed {s.seed}
        </span>
        {active && (
          <span className="controls">
            {live.status === 'paused' ? <button onClick={resume}>Resume</button> : <button onClick={pause}>Pause</button>}
            <button onClick={stop}>Stop</button>
          </span>
        )}
      </div>
      <div className="run-progress">
        <label>
          <span className="muted">This epoch</span>
          <progress data-testid="epoch-bar" aria-label={`Epoch ${Math.min(s.epochs, epochNow + 1)} of ${s.epochs}`} max={perEpoch ?? 1} value={inEpoch} />
        </label>
        <label>
          <span className="muted">All epochs</span>
          <progress data-testid="run-bar" aria-label="Training run progress" max={perEpoch !== null ? s.epochs * perEpoch : s.epochs} value={perEpoch !== null ? Math.min(stepsDone, s.epochs * perEpoch) : epochNow} />
        </label>
      </div>
      {live.skipped.length > 0 && (
        <ul className="skipped" data-testid="skipped-backends">
          {live.skipped.map((k) => (
            <li key={k.backend}>
              {BACKEND_LABEL[k.backend]} skipped: {k.reason}
            </li>
          ))}
        </ul>
      )}
      {live.fallbacks.length > 0 && (
        <ul className="fallbacks" data-testid="backend-fallbacks">
          {live.fallbacks.map((f, i) => (
            <li key={i}>{describeFallback(f)}</li>
          ))}
        </ul>
      )}
      {live.message && <p className="muted" data-testid="run-message">{live.message}</p>}
      <dl className="stats">
        <dt>step</dt>
        <dd>{stepMs !== null ? `${stepMs.toFixed(0)} ms` : '—'}</dd>
        <dt>samples/s</dt>
        <dd>{live.last ? live.last.samplesPerSecond.toFixed(1) : '—'}</dd>
        <dt>time left</dt>
        <dd data-testid="eta">{eta !== null ? formatSeconds(eta) : '—'}</dd>
        <dt>tensors</dt>
        <dd data-testid="tensors">{live.last?.numTensors ?? '—'}</dd>
        <dt>tensor memory</dt>
        <dd>{live.last ? formatBytes(live.last.numBytes) : '—'}</dd>
        <dt>best val Dice</dt>
        <dd data-testid="best-val-dice">{bestVal(live)}</dd>
      </dl>
      <RunCharts name={live.name} history={live.history} steps={live.steps} />
      {lastEpoch && Object.keys(lastEpoch.perPatientDice).length > 0 && (
        <table className="per-patient-dice" data-testid="val-dice-table">
          <thead>
            <tr>
              <th>Validation patient</th>
              <th>Volume Dice (epoch {lastEpoch.epoch})</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(lastEpoch.perPatientDice).map(([name, d]) => (
              <tr key={name} data-patient={name}>
                <td>{name}</td>
                <td>{d.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function bestVal(live: LiveRun): string {
  const vals = live.history.map((h) => h.valDice).filter((v): v is number => v !== null);
  return vals.length ? Math.max(...vals).toFixed(3) : '—';
}
