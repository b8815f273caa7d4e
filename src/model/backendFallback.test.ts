// The fallback decision (which backend a failed run continues on, and when it does not), how the
// automatic choice starts further down the order, and the whole fallback at the trainer's level in
// Node: a step that throws mid-epoch on WASM (a kernel failing) fails the run with its message,
// the last checkpoint stays as the completed epochs left it, and a trainer rebuilt from it on the
// next backend (CPU) continues the epoch count and history and trains like an uninterrupted run.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from './backends';
import { describeFallback, fallbackStart, type RunOutcome } from './backendFallback';
import { DEFAULT_AUGMENT } from './batches';
import { restoreModel, restoreOptimizer, snapshotModel, snapshotOptimizer, type ModelSnapshot, type SavedTensor } from './checkpoint';
import { buildSliceSet, type SliceSet } from './sliceSet';
import { trainStepAsync } from './train';
import { Trainer, inlineBatchSource, type StepFunction, type TrainerSettings, type TrainerState } from './trainer';
import { unet } from './unet';
import { phantomVolumes } from '../test-support/phantomVolumes';

const failed = (backend: RunOutcome['backend'], failedIn: RunOutcome['failedIn'] = 'training'): RunOutcome => ({ status: 'failed', backend, message: 'boom', failedIn });

describe('fallbackStart', () => {
  it('continues a run that failed while training on the next backend down the order', () => {
    expect(fallbackStart(failed('webgpu'), [])).toBe('webgl');
    expect(fallbackStart(failed('webgl'), [])).toBe('wasm');
    expect(fallbackStart(failed('wasm'), [])).toBe('cpu');
  });

  it('skips backends that already failed in this run', () => {
    expect(fallbackStart(failed('webgpu'), ['webgl'])).toBe('wasm');
    expect(fallbackStart(failed('webgl'), ['webgpu', 'wasm'])).toBe('cpu');
  });

  it('ends the run when the last backend fails, the data cannot be read, another tab holds the run, or it did not fail', () => {
    expect(fallbackStart(failed('cpu'), [])).toBeNull();
    expect(fallbackStart(failed('wasm'), ['cpu'])).toBeNull();
    expect(fallbackStart(failed('webgpu', 'data'), [])).toBeNull();
    expect(fallbackStart(failed('webgpu', 'locked'), [])).toBeNull();
    expect(fallbackStart(failed(null), [])).toBeNull();
    expect(fallbackStart({ status: 'stopped', backend: 'webgpu' }, [])).toBeNull();
    expect(fallbackStart({ status: 'finished', backend: 'webgpu' }, [])).toBeNull();
  });

  it('describes a fallback with the failed backend, its reason, where the run went and from which checkpoint', () => {
    const f = { from: 'webgpu' as const, reason: 'the WebGPU device was lost: destroyed', resumedFromEpoch: 2, to: 'wasm' as const };
    expect(describeFallback(f)).toBe('WebGPU failed mid-run (the WebGPU device was lost: destroyed); continued on WASM from the checkpoint of epoch 2');
    expect(describeFallback({ ...f, resumedFromEpoch: 0, to: null })).toBe(
      'WebGPU failed mid-run (the WebGPU device was lost: destroyed); moving to the next backend from the start (no epoch had finished)',
    );
  });
});

describe('chooseBackend after a failure', () => {
  it('starts the automatic choice at startAt, skipping what is unavailable there with a reason', async () => {
    const choice = await chooseBackend(undefined, 'webgl');
    expect(choice.backend).toBe('wasm');
    expect(choice.skipped).toEqual([{ backend: 'webgl', reason: 'not available in Node' }]);
    expect(await chooseBackend(undefined, 'cpu')).toEqual({ backend: 'cpu', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('a backend failing mid-run', () => {
  const settings: TrainerSettings = {
    baseFilters: 4, size: 64, batchSize: 2, learningRate: 1e-3, epochs: 2, seed: 7, augment: { ...DEFAULT_AUGMENT }, threshold: 0.5,
  };
  let train: SliceSet;
  let val: SliceSet;

  beforeAll(async () => {
    const volumes = await phantomVolumes(['Phantom.1', 'Phantom.2'], 128, 24);
    train = buildSliceSet(volumes.slice(0, 1), 64);
    val = buildSliceSet(volumes.slice(1), 64);
  });

  interface Saved {
    model: ModelSnapshot;
    optimizer: SavedTensor[];
    state: TrainerState;
  }

  /** Trains with an epoch-end checkpoint kept in memory, as the worker keeps it in IndexedDB. */
  async function fitWithCheckpoints(trainer: Trainer, model: ReturnType<typeof unet>, optimizer: tf.Optimizer, saved: { last: Saved | null }) {
    return trainer.fit({
      onEpochEnd: async (_record, state) => {
        const [m, o] = await Promise.all([snapshotModel(model), snapshotOptimizer(optimizer)]);
        saved.last = { model: m, optimizer: o, state: JSON.parse(JSON.stringify(state)) as TrainerState };
      },
    });
  }

  it('fails the run with the kernel error, keeps the last checkpoint, and continues on the next backend from it', async () => {
    expect((await chooseBackend('wasm')).backend).toBe('wasm');

    // The uninterrupted run, for comparison.
    const reference = unet({ baseFilters: 4, size: 64, seed: 11 });
    const full = await new Trainer(reference, tf.train.adam(settings.learningRate), train, val, settings, inlineBatchSource(train, settings)).fit();
    reference.dispose();

    // The same run, whose step throws in the middle of epoch 2 (a kernel failing on this backend).
    const model = unet({ baseFilters: 4, size: 64, seed: 11 });
    const optimizer = tf.train.adam(settings.learningRate);
    let calls = 0;
    expect(train.count).toBeGreaterThan(settings.batchSize); // at least two steps an epoch
    const perEpoch = Math.ceil(train.count / settings.batchSize);
    const faulty: StepFunction = async (m, o, x, y) => {
      calls++;
      if (calls === perEpoch + 2) throw new Error('Conv2DBackpropFilter failed on wasm: out of memory');
      return trainStepAsync(m, o, x, y);
    };
    const saved: { last: Saved | null } = { last: null };
    const trainer = new Trainer(model, optimizer, train, val, settings, inlineBatchSource(train, settings), undefined, faulty);
    const outcome = await fitWithCheckpoints(trainer, model, optimizer, saved).then(
      () => ({ status: 'finished', backend: 'wasm' }) as RunOutcome,
      (e: Error) => ({ status: 'failed', backend: 'wasm', message: e.message, failedIn: 'training' }) as RunOutcome,
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toBe('Conv2DBackpropFilter failed on wasm: out of memory');
    // The checkpoint is epoch 1's: nothing of the failed epoch was saved.
    expect(saved.last!.state.epoch).toBe(1);
    expect(saved.last!.state.history.map((h) => h.epoch)).toEqual([1]);
    expect(saved.last!.state.history[0].loss).toBeCloseTo(full.state.history[0].loss, 5);
    model.dispose();
    optimizer.dispose();

    // The fallback: the next backend, the checkpoint restored there, the run continued.
    const next = fallbackStart(outcome, []);
    expect(next).toBe('cpu');
    expect((await chooseBackend(undefined, next!)).backend).toBe('cpu');
    const restored = await restoreModel(saved.last!.model);
    const optimizer2 = tf.train.adam(settings.learningRate);
    await restoreOptimizer(optimizer2, saved.last!.optimizer);
    const resumed = await new Trainer(restored, optimizer2, train, val, settings, inlineBatchSource(train, settings), saved.last!.state).fit();
    expect(tf.getBackend()).toBe('cpu');
    expect(resumed.state.epoch).toBe(2);
    expect(resumed.state.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(resumed.state.history[0]).toEqual(saved.last!.state.history[0]);
    // Epoch 2 on CPU trains as epoch 2 of the uninterrupted run did on WASM (same weights, batches and optimizer state).
    expect(resumed.state.history[1].loss).toBeCloseTo(full.state.history[1].loss, 3);
    expect(resumed.state.history[1].valDice).toBeCloseTo(full.state.history[1].valDice!, 2);
    restored.dispose();
    optimizer2.dispose();
  }, 900_000);
});
