// The trainer on phantom patients, on the WASM backend in Node: validation on a held-out patient
// reaches a high Dice; a run stopped and restored from its checkpoint continues exactly as an
// uninterrupted one; the same seed gives the same batches; pause holds the run; a schedule sets the
// optimizer's rate at every step and the settings' loss reaches the step.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from './backends';
import { buildSliceSet, type SliceSet } from './sliceSet';
import { Trainer, inlineBatchSource, emptyTrainerState, type StepFunction, type TrainerSettings, type TrainerState } from './trainer';
import { learningRateAt } from './schedule';
import { trainStepAsync } from './train';
import { unet } from './unet';
import { restoreModel, restoreOptimizer, snapshotModel, snapshotOptimizer } from './checkpoint';
import { makeBatch, epochOrder, DEFAULT_AUGMENT } from './batches';
import { phantomVolumes } from '../test-support/phantomVolumes';

/** A real training run: ~1 min alone on 2 cores, several when the suite's other files share them (a limit, not a timing). */
const TRAINING_TEST_TIMEOUT_MS = 360_000;

const settings: TrainerSettings = {
  baseFilters: 4, size: 64, batchSize: 8, learningRate: 1e-3, epochs: 25, seed: 3,
  augment: { ...DEFAULT_AUGMENT }, threshold: 0.5,
};

let train: SliceSet;
let val: SliceSet;

beforeAll(async () => {
  expect((await chooseBackend('wasm')).backend).toBe('wasm');
  const volumes = await phantomVolumes(['Phantom.1', 'Phantom.2', 'Phantom.3', 'Phantom.4'], 128, 64);
  train = buildSliceSet(volumes.slice(0, 3), 64);
  val = buildSliceSet(volumes.slice(3), 64);
});

describe('Trainer', () => {
  it('reaches validation Dice ≥ 0.8 on a held-out phantom patient without leaking tensors', async () => {
    const model = unet({ baseFilters: 4, size: 64, seed: 1 });
    const trainer = new Trainer(model, tf.train.adam(settings.learningRate), train, val, settings, inlineBatchSource(train, settings));
    const tensors: number[] = [];
    const t0 = performance.now();
    // Checkpoint every epoch, as the app does, so a leak in saving shows up too.
    const optimizer = (trainer as unknown as { optimizer: tf.Optimizer }).optimizer;
    const { state } = await trainer.fit({
      onEpochEnd: async () => {
        await snapshotModel(model);
        await snapshotOptimizer(optimizer);
        tensors.push(tf.memory().numTensors);
      },
    });
    console.log(`phantom training: ${train.count} slices × ${settings.epochs} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s; train ${state.history.map((h) => h.dice.toFixed(2)).join(" ")} val Dice ${state.history.map((h) => h.valDice?.toFixed(3)).join(" ")}`);
    expect(state.epoch).toBe(settings.epochs);
    expect(state.bestValDice).toBeGreaterThanOrEqual(0.8);
    expect(state.history.at(-1)!.perPatientDice["Phantom.4"]).toBeGreaterThanOrEqual(0.75);
    expect(tensors.at(-1)).toBe(tensors[1]);
    model.dispose();
  }, TRAINING_TEST_TIMEOUT_MS);

  it('resumes from a checkpoint exactly where an uninterrupted run would be', async () => {
    const short = { ...settings, epochs: 2 };
    const run = async (model: ReturnType<typeof unet>, opt: tf.Optimizer, s: TrainerSettings, state?: TrainerState) =>
      new Trainer(model, opt, train, null, s, inlineBatchSource(train, s), state).fit();

    const a = unet({ baseFilters: 4, size: 64, seed: 5 });
    const optA = tf.train.adam(short.learningRate);
    const full = await run(a, optA, short);

    const b = unet({ baseFilters: 4, size: 64, seed: 5 });
    const optB = tf.train.adam(short.learningRate);
    const first = await run(b, optB, { ...short, epochs: 1 });
    const snapshot = await snapshotModel(b);
    const optimizerState = await snapshotOptimizer(optB);
    const savedState = JSON.parse(JSON.stringify(first.state)) as TrainerState;
    b.dispose();
    optB.dispose();

    const c = await restoreModel(snapshot);
    const optC = tf.train.adam(short.learningRate);
    await restoreOptimizer(optC, optimizerState);
    const resumed = await run(c, optC, short, savedState);
    expect(resumed.state.epoch).toBe(2);
    expect(resumed.state.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(resumed.state.history[1].loss).toBeCloseTo(full.state.history[1].loss, 5);
    tf.dispose([a, c] as unknown as tf.Tensor[]);
  });

  it('gives the same batches for the same seed and epoch, different ones for another epoch', () => {
    const o1 = epochOrder(train.count, 9, 0);
    const o2 = epochOrder(train.count, 9, 0);
    const o3 = epochOrder(train.count, 9, 1);
    expect(Array.from(o1)).toEqual(Array.from(o2));
    expect(Array.from(o1)).not.toEqual(Array.from(o3));
    const idx = Array.from(o1.subarray(0, 4));
    const b1 = makeBatch(train, idx, { seed: 9, epoch: 0, settings: DEFAULT_AUGMENT });
    const b2 = makeBatch(train, idx.slice(2).concat(idx.slice(0, 2)), { seed: 9, epoch: 0, settings: DEFAULT_AUGMENT });
    const px = 64 * 64;
    expect(b1.x.subarray(0, px)).toEqual(b2.x.subarray(2 * px, 3 * px));
    const plain = makeBatch(train, idx, null);
    expect(plain.x).not.toEqual(b1.x);
  });

  it('holds while paused and ends early on stop, keeping the last completed epoch', async () => {
    const model = unet({ baseFilters: 4, size: 64, seed: 2 });
    const trainer = new Trainer(model, tf.train.adam(1e-3), train, null, { ...settings, epochs: 3 }, inlineBatchSource(train, settings), emptyTrainerState());
    let steps = 0;
    let reachedTwo = () => {};
    const two = new Promise<void>((r) => (reachedTwo = r));
    const done = trainer.fit({
      onStep: () => {
        steps++;
        if (steps === 2) {
          trainer.pause();
          reachedTwo();
        }
      },
    });
    await two;
    // Had the run not held, it would have taken more steps by now (steps are awaited, so it could).
    await new Promise((r) => setTimeout(r, 300));
    expect(steps).toBe(2);
    trainer.stop();
    const { state, stopped } = await done;
    expect(stopped).toBe(true);
    expect(state.epoch).toBe(0);
    model.dispose();
  });

  it('sets the scheduled learning rate before every step, trains on the settings\' loss and validates the averaged weights', async () => {
    const model = unet({ baseFilters: 4, size: 64, seed: 2 });
    const optimizer = tf.train.adam(1e-3);
    const s: TrainerSettings = {
      ...settings, epochs: 2, augment: { ...DEFAULT_AUGMENT, mode: 'none' }, loss: 'dicebce', schedule: { warmupEpochs: 1, decay: 'cosine', minFraction: 0 }, weightAverage: 0.9,
    };
    // The first epoch's checkpoint holds the averaged weights; the model trains on from its own.
    const trainedAtEpochEnd: number[][] = [];
    const seenAtEpochEnd: number[][] = [];
    const firstKernel = () => Array.from(model.trainableWeights[0].read().dataSync().slice(0, 4));
    const seen: { rate: number; loss: string | undefined }[] = [];
    const batchDice: number[] = [];
    const recording: StepFunction = async (m, o, x, y, loss) => {
      seen.push({ rate: (o as unknown as { learningRate: number }).learningRate, loss });
      const result = await trainStepAsync(m, o, x, y, loss);
      batchDice.push(result.dice);
      return result;
    };
    const trainer = new Trainer(model, optimizer, train, val, s, inlineBatchSource(train, s), emptyTrainerState(), recording);
    const { state } = await trainer.fit({
      onStep: ({ step }) => {
        if (step.step === Math.ceil(train.count / s.batchSize) - 1) trainedAtEpochEnd.push(firstKernel());
      },
      onEpochEnd: () => {
        seenAtEpochEnd.push(firstKernel());
      },
    });
    expect(seenAtEpochEnd).toHaveLength(2);
    expect(seenAtEpochEnd[0]).not.toEqual(trainedAtEpochEnd[0]);
    expect(state.history.every((h) => h.valDice !== null && h.valDice >= 0)).toBe(true);
    const perEpoch = Math.ceil(train.count / s.batchSize);
    expect(seen).toHaveLength(2 * perEpoch);
    seen.forEach((r, i) => {
      expect(r.loss).toBe('dicebce');
      expect(r.rate).toBeCloseTo(learningRateAt(s.schedule!, 1e-3, i, perEpoch, 2 * perEpoch), 12);
    });
    expect(seen[perEpoch - 1].rate).toBeCloseTo(1e-3, 12);
    expect(seen.at(-1)!.rate).toBeLessThan(1e-4);
    // −Dice + BCE is above −Dice's range at the start of a run.
    expect(state.history[0].loss).toBeGreaterThan(0);
    // The epoch's train Dice is its batches' Dice term, not read from the loss (which holds the BCE too).
    state.history.forEach((h, e) => {
      const batches = batchDice.slice(e * perEpoch, (e + 1) * perEpoch);
      expect(h.dice).toBeCloseTo(batches.reduce((a, b) => a + b, 0) / perEpoch, 12);
      expect(h.dice).toBeGreaterThan(0);
      expect(h.dice).toBeLessThan(1);
      expect(h.dice).not.toBeCloseTo(-h.loss, 3);
    });
    model.dispose();
    optimizer.dispose();
  });
});
