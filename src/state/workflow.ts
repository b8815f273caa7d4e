// Where the work stands, step by step (Data → Train → View), and the one action that comes next:
// what the step bar shows. Pure: facts in (read from the stores by ui/StepBar.tsx), steps and the
// next action out; no store, no DOM, so every state of the bar is a unit test.
import type { Tab } from './uiStore';

export interface WorkflowFacts {
  scanning: boolean;
  /** Usable patients listed on the Data tab that no finished preprocessing run has cached. */
  uncachedPatients: number;
  /** The preprocessing run going on, as a fraction done; null when none runs. */
  preprocessing: number | null;
  datasets: number;
  /** The run training in this tab; null when none. */
  training: { epoch: number; epochs: number; paused: boolean } | null;
  runs: number;
  /** Models trained or imported by the user (the starter model is not counted here). */
  models: number;
  /** Whether the starter model the app ships is stored: with it a patient can be segmented before any training. */
  starterModel: boolean;
  /** The patient open in the viewer, whether a model has segmented it, and its Dice. */
  viewer: { patient: string | null; segmented: boolean; dice: number | null; segmenting: boolean };
  /** Rows of the dataset-wide results table. */
  results: number;
}

export type StepState = 'done' | 'working' | 'todo';

export interface WorkflowStep {
  id: Tab;
  label: string;
  state: StepState;
  status: string;
}

export type NextActionKind = 'load' | 'preprocess' | 'train' | 'watch' | 'view' | 'segment' | 'segment-all';

export interface NextAction {
  kind: NextActionKind;
  label: string;
  tab: Tab;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function workflowSteps(f: WorkflowFacts): WorkflowStep[] {
  return [dataStep(f), trainStep(f), viewStep(f)];
}

function dataStep(f: WorkflowFacts): WorkflowStep {
  const base = { id: 'data' as const, label: 'Data' };
  if (f.scanning) return { ...base, state: 'working', status: 'reading files…' };
  if (f.preprocessing !== null) return { ...base, state: 'working', status: `caching ${Math.round(f.preprocessing * 100)}%` };
  const cached = f.datasets > 0 ? `${plural(f.datasets, 'dataset')} cached` : '';
  const waiting = f.uncachedPatients > 0 ? `${plural(f.uncachedPatients, 'patient')} to cache` : '';
  const status = [cached, waiting].filter(Boolean).join(' · ') || 'no data yet';
  return { ...base, state: f.datasets > 0 ? 'done' : 'todo', status };
}

function trainStep(f: WorkflowFacts): WorkflowStep {
  const base = { id: 'train' as const, label: 'Train' };
  if (f.training) return { ...base, state: 'working', status: `${f.training.paused ? 'paused at' : 'training'} epoch ${f.training.epoch} / ${f.training.epochs}` };
  if (f.models > 0) return { ...base, state: 'done', status: `${plural(f.models, 'model')} · ${plural(f.runs, 'run')}` };
  if (f.datasets === 0) return { ...base, state: 'todo', status: 'needs a cached dataset' };
  const none = f.starterModel ? 'only the starter model' : 'no model yet';
  return { ...base, state: 'todo', status: f.runs > 0 ? `${plural(f.runs, 'run')}, ${none}` : none };
}

function viewStep(f: WorkflowFacts): WorkflowStep {
  const base = { id: 'view' as const, label: 'View' };
  const { patient, segmented, dice, segmenting } = f.viewer;
  if (patient && segmenting) return { ...base, state: 'working', status: `segmenting ${patient}…` };
  if (patient && segmented) return { ...base, state: 'done', status: dice === null ? `${patient} segmented` : `${patient} · Dice ${dice.toFixed(3)}` };
  if (patient) return { ...base, state: 'todo', status: `${patient} open` };
  if (f.datasets === 0) return { ...base, state: 'todo', status: 'needs a cached dataset' };
  return { ...base, state: 'todo', status: 'no patient open' };
}

/** The next thing to do, or null while a job runs (its step says how far it is) or when all is done. */
export function nextAction(f: WorkflowFacts): NextAction | null {
  if (f.scanning || f.preprocessing !== null) return null;
  if (f.uncachedPatients > 0) return { kind: 'preprocess', label: `Preprocess the ${plural(f.uncachedPatients, 'listed patient')}`, tab: 'data' };
  if (f.datasets === 0) return { kind: 'load', label: 'Load data', tab: 'data' };
  if (f.training) return { kind: 'watch', label: 'Watch the training run', tab: 'train' };
  if (f.models === 0 && !f.starterModel) return { kind: 'train', label: 'Train a model', tab: 'train' };
  if (!f.viewer.patient) return { kind: 'view', label: 'Open a patient in the viewer', tab: 'view' };
  if (f.viewer.segmenting) return null;
  if (!f.viewer.segmented) return { kind: 'segment', label: `Segment ${f.viewer.patient}`, tab: 'view' };
  if (f.results === 0) return { kind: 'segment-all', label: 'Segment every patient of the dataset', tab: 'view' };
  return null;
}
