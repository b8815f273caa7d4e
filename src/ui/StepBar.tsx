// The step bar in the header: the three stages of the work (Data → Train → View) as tabs, each
// saying where it stands (datasets cached, the run's epoch, the patient's Dice), and the next action
// as one button. The tabs' accessible names are their labels alone; the status is their description.
// Reads the stores; what the steps say is state/workflow.ts.
import { useIngestStore } from '../state/ingestStore';
import { useCacheStore } from '../state/cacheStore';
import { useTrainingStore } from '../state/trainingStore';
import { useViewerStore } from '../state/viewerStore';
import { useSegmentStore } from '../state/segmentStore';
import { useUiStore } from '../state/uiStore';
import { nextAction, workflowSteps, type NextAction, type WorkflowFacts } from '../state/workflow';
import { cachedEntryOf } from '../state/currentPatient';
import { showPatient } from '../state/showPatient';

const MARK: Record<string, string> = { done: '✓', working: '…', todo: '' };

export function StepBar() {
  const facts = useWorkflowFacts();
  const { tab, setTab } = useUiStore();
  const steps = workflowSteps(facts);
  const next = nextAction(facts);
  return (
    <>
      <nav role="tablist" aria-label="Workbench steps" className="step-bar" data-testid="step-bar">
        {steps.map((s, i) => (
          <span key={s.id} className="step-wrap">
            {i > 0 && (
              <span className="step-arrow" aria-hidden="true">
                →
              </span>
            )}
            <button
              role="tab"
              aria-selected={tab === s.id}
              aria-labelledby={`step-${s.id}-label`}
              aria-describedby={`step-${s.id}-status`}
              className={`step ${s.state}${tab === s.id ? ' active' : ''}`}
              data-testid={`step-${s.id}`}
              data-state={s.state}
              onClick={() => setTab(s.id)}
            >
              <span className="step-label" id={`step-${s.id}-label`}>
                <span className="step-number" aria-hidden="true">
                  {MARK[s.state] || i + 1}
                </span>
                {s.label}
              </span>
              <span className="step-status" id={`step-${s.id}-status`} data-testid={`step-${s.id}-status`}>
                {s.status}
              </span>
            </button>
          </span>
        ))}
      </nav>
      {next && (
        <button type="button" className="primary next-action" data-testid="next-action" data-kind={next.kind} onClick={() => void runNext(next)}>
          Next: {next.label}
        </button>
      )}
    </>
  );
}

function useWorkflowFacts(): WorkflowFacts {
  const scanning = useIngestStore((s) => s.phase === 'scanning');
  const patients = useIngestStore((s) => s.patients);
  const run = useCacheStore((s) => s.run);
  const datasets = useCacheStore((s) => s.datasets.length);
  const live = useTrainingStore((s) => s.live);
  const runs = useTrainingStore((s) => s.runs.length);
  const models = useTrainingStore((s) => s.models.filter((m) => m.source !== 'starter').length);
  const starterModel = useTrainingStore((s) => s.models.some((m) => m.source === 'starter'));
  const datasetId = useViewerStore((s) => s.datasetId);
  const patientKey = useViewerStore((s) => s.patientKey);
  const target = useSegmentStore((s) => s.target);
  const dice = useSegmentStore((s) => s.metrics?.dice ?? null);
  const segmenting = useSegmentStore((s) => s.status === 'running');
  const results = useSegmentStore((s) => s.results.length);

  const cachedNames = new Set(run && !run.running && !run.cancelled ? run.patients.filter((p) => p.stage === 'done').map((p) => p.name) : []);
  const uncachedPatients = run?.running ? 0 : patients.filter((p) => p.usable && !cachedNames.has(p.name)).length;
  const active = live && (live.status === 'running' || live.status === 'paused' || live.status === 'starting');
  const shown = datasetId && patientKey ? cachedEntryOf(datasetId, patientKey) : null;
  const segmented = target !== null && target.datasetId === datasetId && target.patientKey === patientKey;
  return {
    scanning,
    uncachedPatients,
    preprocessing: run?.running ? preprocessFraction(run.patients) : null,
    datasets,
    training: active ? { epoch: live.history.at(-1)?.epoch ?? 0, epochs: live.settings.epochs, paused: live.status === 'paused' } : null,
    runs,
    models,
    starterModel,
    viewer: { patient: shown?.name ?? null, segmented, dice: segmented ? dice : null, segmenting },
    results,
  };
}

function preprocessFraction(patients: { slices: number; fraction: number }[]): number {
  const total = patients.reduce((a, p) => a + p.slices, 0);
  return total ? patients.reduce((a, p) => a + p.slices * p.fraction, 0) / total : 0;
}

async function runNext(next: NextAction): Promise<void> {
  useUiStore.getState().setTab(next.tab);
  switch (next.kind) {
    case 'preprocess': {
      const { patients, sources } = useIngestStore.getState();
      return useCacheStore.getState().preprocess(patients.filter((p) => p.usable), sources);
    }
    case 'segment': {
      // Segmentation runs on the cached slices: show them first when the originals are on screen.
      const { datasetId, patientKey, source } = useViewerStore.getState();
      if (source !== 'cache' && datasetId && patientKey) await showPatient(datasetId, patientKey, 'cache');
      return useSegmentStore.getState().segmentCurrent();
    }
    case 'segment-all': {
      const datasetId = useViewerStore.getState().datasetId;
      if (datasetId) return useSegmentStore.getState().segmentAll(datasetId);
      return;
    }
    default:
      // Actions that are a place to go: the control to use there gets the focus.
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-next-target~="${next.kind}"]`)?.focus());
      return;
  }
}
