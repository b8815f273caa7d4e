// The training run as a small object, like Keras's fit: epochs of shuffled (augmented) batches,
// validation on every validation slice after each epoch, callbacks for progress and checkpoints,
// pause / resume / stop between steps, and a state that can be saved and restored so a run
// resumes after a reload. Batches come from a BatchSource (a worker pool in the tab, inline in
// Node), prefetched so the model never waits. Pure tfjs: no DOM, no IndexedDB.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batchIndices, batchesPerEpoch, epochOrder, makeBatch, type AugmentSettings, type Batch } from './batches';
import { evaluate } from './evaluate';
import type { LossName } from './losses';
import { learningRateAt, type LearningRateSchedule } from './schedule';
import { tfjsSegmentationModel } from './segmentationModel';
import type { SliceSet } from './sliceSet';
import { trainStepAsync, type StepResult } from './train';
import { WeightAverage } from './weightAverage';

export interface TrainerSettings {
  baseFilters: number;
  size: number;
  batchSize: number;
  learningRate: number;
  epochs: number;
  seed: number;
  augment: AugmentSettings;
  /** Probability above which a pixel counts as organ in validation Dice. */
  threshold: number;
  /** What the steps minimise; absent: the reference's −Dice. */
  loss?: LossName;
  /** Warm-up and decay of the learning rate (peak: learningRate); absent: constant, the optimizer's own rate untouched. */
  schedule?: LearningRateSchedule;
  /**
   * Decay of an exponential moving average of the weights over the steps (e.g. 0.98); validation,
   * the best model and the epoch's checkpoint use the averaged weights. Absent: the trained weights
   * (the reference). A run resumed from a checkpoint restarts its average from the checkpoint's weights.
   */
  weightAverage?: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  /** Training soft Dice, mean over the epoch's batches (the loss's Dice term; runs stored before it was kept for −Dice + BCE have NaN). */
  dice: number;
  valLoss: number | null;
  /** Mean over validation patients of the volume Dice. */
  valDice: number | null;
  perPatientDice: Record<string, number>;
  seconds: number;
  /** tf.memory().numTensors after the epoch (and its validation): flat from epoch 2 on, or something leaks. */
  numTensors: number;
}

export interface StepRecord {
  epoch: number;
  step: number;
  loss: number;
  ms: number;
}

export interface TrainerState {
  /** Completed epochs. */
  epoch: number;
  history: EpochRecord[];
  /** The most recent steps (capped), for the live chart. */
  steps: StepRecord[];
  bestValDice: number | null;
  bestEpoch: number | null;
}

export interface BatchSource {
  batch(epoch: number, indices: number[]): Promise<Batch>;
}

export interface StepInfo {
  step: StepRecord;
  batchesPerEpoch: number;
  samplesPerSecond: number;
  numTensors: number;
  numBytes: number;
}

export interface TrainerCallbacks {
  onStep?(info: StepInfo): void;
  /** Awaited before the next epoch starts: the place to checkpoint. `improved` when valDice is the best so far. */
  onEpochEnd?(record: EpochRecord, state: TrainerState, improved: boolean): Promise<void> | void;
}

/** One optimisation step returning the loss and the batch's Dice; a step that throws fails the run (the backend's failure: see model/backendFallback). */
export type StepFunction = (model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor4D, loss?: LossName) => Promise<StepResult>;

export const MAX_STEPS_KEPT = 5000;
const PREFETCH = 2;

export function emptyTrainerState(): TrainerState {
  return { epoch: 0, history: [], steps: [], bestValDice: null, bestEpoch: null };
}

/** Builds batches in this thread (Node, tests, or a tab without workers). */
export function inlineBatchSource(set: SliceSet, settings: Pick<TrainerSettings, 'seed' | 'augment'>): BatchSource {
  return {
    batch: async (epoch, indices) => makeBatch(set, indices, settings.augment.mode === 'online' ? { seed: settings.seed, epoch, settings: settings.augment } : null),
  };
}

export class Trainer {
  private paused: { promise: Promise<void>; resolve: () => void } | null = null;
  private stopped = false;
  readonly state: TrainerState;

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly train: SliceSet,
    private readonly val: SliceSet | null,
    private readonly settings: TrainerSettings,
    private readonly batches: BatchSource,
    state: TrainerState = emptyTrainerState(),
    private readonly step: StepFunction = trainStepAsync,
  ) {
    this.state = state;
  }

  pause(): void {
    if (this.paused) return;
    let resolve = () => {};
    const promise = new Promise<void>((r) => (resolve = r));
    this.paused = { promise, resolve };
  }

  resume(): void {
    this.paused?.resolve();
    this.paused = null;
  }

  /** Ends the run after the current step; the state stays at the last completed epoch. */
  stop(): void {
    this.stopped = true;
    this.resume();
  }

  get isPaused(): boolean {
    return this.paused !== null;
  }

  /** Trains from the state's epoch to settings.epochs; resolves with the state ('stopped' when stop() was called). */
  async fit(callbacks: TrainerCallbacks = {}): Promise<{ state: TrainerState; stopped: boolean }> {
    const perEpoch = batchesPerEpoch(this.train.count, this.settings.batchSize);
    if (this.train.count === 0) throw new Error('no training slices');
    const average = this.settings.weightAverage ? new WeightAverage(this.model, this.settings.weightAverage) : null;
    try {
      await this.epochs(callbacks, perEpoch, average);
    } finally {
      average?.dispose();
    }
    return { state: this.state, stopped: this.stopped };
  }

  private async epochs(callbacks: TrainerCallbacks, perEpoch: number, average: WeightAverage | null): Promise<void> {
    const { batchSize, epochs, seed } = this.settings;
    for (let epoch = this.state.epoch; epoch < epochs && !this.stopped; epoch++) {
      const t0 = performance.now();
      const order = epochOrder(this.train.count, seed, epoch);
      const queue: Promise<Batch>[] = [];
      const request = (b: number) => queue.push(this.batches.batch(epoch, batchIndices(order, b, batchSize)));
      for (let b = 0; b < Math.min(PREFETCH, perEpoch); b++) request(b);
      let lossSum = 0;
      let diceSum = 0;
      let stepsDone = 0;
      let samples = 0;
      for (let b = 0; b < perEpoch; b++) {
        if (this.paused) await this.paused.promise;
        if (this.stopped) break;
        const batch = await queue.shift()!;
        if (b + PREFETCH < perEpoch) request(b + PREFETCH);
        if (this.settings.schedule) setLearningRate(this.optimizer, learningRateAt(this.settings.schedule, this.settings.learningRate, epoch * perEpoch + b, perEpoch, epochs * perEpoch));
        const ts = performance.now();
        const x = tf.tensor4d(batch.x, [batch.n, this.train.size, this.train.size, 1]);
        const y = tf.tensor4d(batch.y, [batch.n, this.train.size, this.train.size, 1]);
        let loss: number;
        try {
          const result = await this.step(this.model, this.optimizer, x, y, this.settings.loss);
          loss = result.loss;
          diceSum += result.dice;
        } finally {
          tf.dispose([x, y]);
        }
        average?.update();
        const ms = performance.now() - ts;
        lossSum += loss;
        stepsDone++;
        samples += batch.n;
        const step: StepRecord = { epoch, step: epoch * perEpoch + b, loss, ms };
        this.state.steps.push(step);
        if (this.state.steps.length > MAX_STEPS_KEPT) this.state.steps.splice(0, this.state.steps.length - MAX_STEPS_KEPT);
        const mem = tf.memory();
        callbacks.onStep?.({ step, batchesPerEpoch: perEpoch, samplesPerSecond: samples / ((performance.now() - t0) / 1000), numTensors: mem.numTensors, numBytes: mem.numBytes });
        // Let the worker's message loop run (pause/stop requests arrive between steps).
        await new Promise((r) => setTimeout(r, 0));
      }
      if (this.stopped) break;
      // Validation, the best-epoch bookkeeping and the caller's checkpoint see the averaged weights
      // when the run averages them; training goes on from its own.
      const endEpoch = async () => {
        const evaluation = this.val && this.val.count > 0 ? await evaluate(tfjsSegmentationModel(this.model, this.val.size), this.val, batchSize, this.settings.threshold) : null;
        const loss = lossSum / Math.max(1, stepsDone);
        const record: EpochRecord = {
          epoch: epoch + 1,
          loss,
          dice: diceSum / Math.max(1, stepsDone),
          valLoss: evaluation?.loss ?? null,
          valDice: evaluation?.meanDice ?? null,
          perPatientDice: Object.fromEntries((evaluation?.perPatient ?? []).map((p) => [p.name, p.dice])),
          seconds: (performance.now() - t0) / 1000,
          numTensors: tf.memory().numTensors,
        };
        const improved = record.valDice !== null && (this.state.bestValDice === null || record.valDice > this.state.bestValDice);
        if (improved) {
          this.state.bestValDice = record.valDice;
          this.state.bestEpoch = record.epoch;
        }
        this.state.history.push(record);
        this.state.epoch = epoch + 1;
        await callbacks.onEpochEnd?.(record, this.state, improved);
      };
      if (average) await average.withAveraged(endEpoch);
      else await endEpoch();
    }
  }
}

/** Sets the rate tfjs's optimizers (Adam, SGD, RMSProp…) read at every applyGradients. */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const o = optimizer as unknown as { learningRate?: unknown };
  if (typeof o.learningRate !== 'number') throw new Error(`${optimizer.getClassName()} has no learning rate to schedule`);
  o.learningRate = rate;
}
