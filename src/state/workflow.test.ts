// The step bar's logic through a student's session: nothing loaded, patients listed, caching,
// cached, training, a model, a patient open, segmented, results for the dataset.
import { describe, expect, it } from 'vitest';
import { nextAction, workflowSteps, type WorkflowFacts } from './workflow';

const start: WorkflowFacts = {
  scanning: false,
  uncachedPatients: 0,
  preprocessing: null,
  datasets: 0,
  training: null,
  runs: 0,
  models: 0,
  starterModel: false,
  viewer: { patient: null, segmented: false, dice: null, segmenting: false },
  results: 0,
};

const summary = (f: WorkflowFacts) => workflowSteps(f).map((s) => `${s.label}: ${s.state}, ${s.status}`);

describe('workflow', () => {
  it('walks a session from an empty cache to a segmented patient', () => {
    expect(summary(start)).toEqual(['Data: todo, no data yet', 'Train: todo, needs a cached dataset', 'View: todo, needs a cached dataset']);
    expect(nextAction(start)).toEqual({ kind: 'load', label: 'Load data', tab: 'data' });

    expect(summary({ ...start, scanning: true })[0]).toBe('Data: working, reading files…');
    expect(nextAction({ ...start, scanning: true })).toBeNull();

    const listed = { ...start, uncachedPatients: 2 };
    expect(summary(listed)[0]).toBe('Data: todo, 2 patients to cache');
    expect(nextAction(listed)).toEqual({ kind: 'preprocess', label: 'Preprocess the 2 listed patients', tab: 'data' });
    expect(summary({ ...listed, preprocessing: 0.456 })[0]).toBe('Data: working, caching 46%');

    const cached = { ...start, datasets: 1 };
    expect(summary(cached)).toEqual(['Data: done, 1 dataset cached', 'Train: todo, no model yet', 'View: todo, no patient open']);
    expect(nextAction(cached)?.kind).toBe('train');

    const training = { ...cached, runs: 1, training: { epoch: 3, epochs: 12, paused: false } };
    expect(summary(training)[1]).toBe('Train: working, training epoch 3 / 12');
    expect(nextAction(training)).toEqual({ kind: 'watch', label: 'Watch the training run', tab: 'train' });

    const trained = { ...cached, runs: 1, models: 1 };
    expect(summary(trained)[1]).toBe('Train: done, 1 model · 1 run');
    expect(nextAction(trained)?.kind).toBe('view');

    const open = { ...trained, viewer: { patient: 'Phantom.3', segmented: false, dice: null, segmenting: false } };
    expect(summary(open)[2]).toBe('View: todo, Phantom.3 open');
    expect(nextAction(open)).toEqual({ kind: 'segment', label: 'Segment Phantom.3', tab: 'view' });

    const done = { ...trained, viewer: { patient: 'Phantom.3', segmented: true, dice: 0.8396, segmenting: false } };
    expect(summary(done)[2]).toBe('View: done, Phantom.3 · Dice 0.840');
    expect(nextAction(done)?.kind).toBe('segment-all');
    expect(nextAction({ ...done, results: 3 })).toBeNull();
  });

  it('a run that failed before its first epoch leaves no model: training is still to do', () => {
    expect(summary({ ...start, datasets: 1, runs: 1 })[1]).toBe('Train: todo, 1 run, no model yet');
  });

  it('with the starter model stored, a cached patient can be opened and segmented before any training', () => {
    const f = { ...start, datasets: 1, starterModel: true };
    expect(summary(f)[1]).toBe('Train: todo, only the starter model');
    expect(nextAction(f)).toEqual({ kind: 'view', label: 'Open a patient in the viewer', tab: 'view' });
    expect(summary({ ...f, runs: 2 })[1]).toBe('Train: todo, 2 runs, only the starter model');
    expect(summary({ ...f, runs: 1, models: 1 })[1]).toBe('Train: done, 1 model · 1 run');
  });

  it('patients dropped after a dataset was cached are offered for caching first', () => {
    const f = { ...start, datasets: 1, models: 1, uncachedPatients: 1 };
    expect(summary(f)[0]).toBe('Data: done, 1 dataset cached · 1 patient to cache');
    expect(nextAction(f)?.kind).toBe('preprocess');
  });
});
