// The training panel: set up a run (or watch the live one), past runs, and the models kept.
import { useEffect } from 'react';
import { useTrainingStore } from '../../state/trainingStore';
import { RunSetup } from './RunSetup';
import { LiveRunView } from './LiveRunView';
import { RunsList } from './RunsList';
import { SeedRepeats } from './SeedRepeats';
import { ModelsList } from './ModelsList';
import './training.css';

export function TrainingPanel() {
  const { live, refresh } = useTrainingStore();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const busy = live && (live.status === 'running' || live.status === 'paused' || live.status === 'starting');
  return (
    <section className="panel" aria-label="Train">
      <div className="panel-head">
        <h2>Train a UNet</h2>
        <span className="muted">in this tab, in a worker: WebGPU when available, else WebGL, WASM, CPU</span>
      </div>
      {live && <LiveRunView live={live} />}
      {!busy && <RunSetup />}
      <RunsList />
      <SeedRepeats />
      <ModelsList />
    </section>
  );
}
