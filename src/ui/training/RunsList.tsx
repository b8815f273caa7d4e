// Past and interrupted runs: their progress and best validation Dice; an interrupted run (a
// reload, a closed tab) resumes from its last checkpoint; any run's curves can be reopened (and its
// history downloaded as CSV) below the table.
import { useState } from 'react';
import { useTrainingStore } from '../../state/trainingStore';
import { RunCharts } from './RunCharts';
import { ShortName } from '../ShortName';

export function RunsList() {
  const { runs, live, trainingElsewhere, resumeRun, removeRun } = useTrainingStore();
  const [shownId, setShownId] = useState<string | null>(null);
  if (runs.length === 0) return null;
  const shown = runs.find((r) => r.id === shownId) ?? null;
  return (
    <>
    <table className="runs" aria-label="Training runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Status</th>
          <th>Epochs</th>
          <th>Seed</th>
          <th>Best val Dice</th>
          <th>Backend</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => {
          const isLive = live?.runId === r.id && (live.status === 'running' || live.status === 'paused' || live.status === 'starting');
          const elsewhere = !isLive && trainingElsewhere.includes(r.id);
          // Stored as running or paused, but no tab trains it: its tab reloaded or closed (a run saved
          // before its last epoch wrote 'finished' too may have every epoch done).
          const unowned = !isLive && !elsewhere && (r.status === 'running' || r.status === 'paused');
          const interrupted = !isLive && !elsewhere && (r.status === 'running' || r.status === 'paused' || r.status === 'stopped' || r.status === 'failed') && r.state.epoch < r.settings.epochs;
          return (
            <tr key={r.id} data-testid="run-row" data-run={r.name} data-status={isLive ? 'live' : r.status}>
              <td>
                <ShortName name={r.name} />
              </td>
              <td data-testid="run-standing">
                {isLive ? 'training' : elsewhere ? 'training in another tab' : unowned ? (interrupted ? 'interrupted' : 'finished') : r.status}
                {r.message && <span className="muted"> — {r.message}</span>}
              </td>
              <td data-testid="run-epochs">
                {r.state.epoch} / {r.settings.epochs}
              </td>
              <td data-testid="run-seed">{r.settings.seed}</td>
              <td>{r.state.bestValDice !== null ? r.state.bestValDice.toFixed(3) : '—'}</td>
              <td>{r.backend ?? '—'}</td>
              <td className="row-actions">
                <button type="button" aria-pressed={shownId === r.id} aria-label={`Curves of ${r.name}`} onClick={() => setShownId(shownId === r.id ? null : r.id)}>
                  Curves
                </button>
                {interrupted && !live?.status.match(/running|starting/) && <button onClick={() => void resumeRun(r.id)}>Resume</button>}
                {!isLive && !elsewhere && <button onClick={() => void removeRun(r.id)}>Delete</button>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
    {shown && <RunCharts name={shown.name} history={shown.state.history} steps={shown.state.steps} />}
    </>
  );
}
