// A training step split over threads, as one step on the whole batch: the first thread (the one
// running the Trainer) publishes the batch to shared memory, every thread computes the gradients of
// its share of the slices (model/stepBuffers.ts: the whole batch's −Dice, exactly), and every thread
// sums them in the same order and applies the same Adam update to its own copy of the weights
// (model/adamMirror.ts), so no thread waits for another's
// weights. The replicas start from the first thread's weights and Adam state whenever theirs may
// differ (a new run, a resumed one, a step taken alone); the optimizer that checkpoints, schedules
// and averages is the first thread's. On a 2-core laptop a
// WASM step is one core's work; two threads bring it within reach of PyTorch's, which keeps both
// cores busy (src/model/laptop-recipe.md). The replicas are started by the caller's shell (Node
// worker threads in the CLI, Web Workers in the tab) through `spawn`; this module only needs
// SharedArrayBuffer and Atomics. Same result as the one-thread step up to float rounding (sums in
// another order); the same thread count gives the same run every time. WASM only (shared memory is
// read in place by tensors on the CPU backend). Pure tfjs: no DOM, no IndexedDB.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { adamMoments, applySummedAdam, weightSum, writeAdamState } from './adamMirror';
import type { ReplicaInit } from './replica';
import { Slot, StepMemory, allocateStepBuffers, batchResult, parameterCount, shareGradients, trainableVariables } from './stepBuffers';
import { trainStepAsync, type StepResult } from './train';
import type { StepFunction } from './trainer';

export interface ReplicaThread {
  terminate(): void;
}

/** Starts a thread running model/replica's runReplica(init); calls `failed` if it cannot start or dies. */
export type SpawnReplica = (init: ReplicaInit, failed: (error: unknown) => void) => ReplicaThread;

/** The most threads a step is split over: beyond this the batch shares get too thin to pay. */
export const MAX_TRAINING_THREADS = 4;

/** Threads for a step: one a core, at most MAX_TRAINING_THREADS and the batch size. */
export function trainingThreadCount(cores: number, batchSize: number): number {
  return Math.max(1, Math.min(cores, MAX_TRAINING_THREADS, batchSize));
}

export interface DataParallel {
  /** Threads computing each step, this one included. */
  threads: number;
  /** The trainer's step function (model/trainer's StepFunction). */
  step: StepFunction;
  /** Stops the replica threads. */
  close(): void;
}

/** A shell's way to split a model's steps over threads (null: one thread), for jobs that build the model themselves. */
export type StartStepThreads = (model: tfl.LayersModel, batchSize: number) => Promise<DataParallel | null>;

export interface DataParallelOptions {
  threads: number;
  /** The largest batch a step will get (the run's batch size). */
  maxBatch: number;
  spawn: SpawnReplica;
  /** How long the replicas may take to build their models. */
  startTimeoutMs?: number;
}

/** Whether this thread can share memory with others (Node; a page served with COOP/COEP headers). */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && typeof Atomics !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/**
 * Starts threads − 1 replicas of `model`'s architecture and resolves once they are ready. The step
 * works for any model of the same architecture and any Adam optimizer (the replicas take their
 * state when the model or optimizer changes), so one group serves several runs (the CLI's seeds).
 */
export async function startDataParallel(model: tfl.LayersModel, options: DataParallelOptions): Promise<DataParallel> {
  const { threads, maxBatch, spawn, startTimeoutMs = 120_000 } = options;
  if (!(threads >= 2)) throw new Error(`data-parallel training needs 2 threads or more, not ${threads}`);
  if (!canShareMemory()) throw new Error('this page cannot share memory between threads (it is not cross-origin isolated)');
  const size = model.inputs[0].shape[1];
  if (typeof size !== 'number') throw new Error('the model has no fixed input size');
  const params = parameterCount(model);
  const buffers = allocateStepBuffers(threads, size, maxBatch, params);
  const memory = new StepMemory(buffers);
  const topology = model.toJSON(null, false) as object;
  const replicas: ReplicaThread[] = [];
  const close = () => {
    Atomics.store(memory.control, Slot.Command, 1);
    Atomics.add(memory.control, Slot.StepGeneration, 1);
    Atomics.notify(memory.control, Slot.StepGeneration);
    for (const r of replicas) r.terminate();
  };
  try {
    for (let rank = 1; rank < threads; rank++) replicas.push(spawn({ buffers, rank, topology }, (error) => memory.fail(error)));
    for (const until = Date.now() + startTimeoutMs; Atomics.load(memory.control, Slot.Ready) < threads - 1; ) {
      memory.throwIfFailed();
      if (Date.now() > until) throw new Error(`the training threads did not start within ${startTimeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } catch (error) {
    close();
    throw error;
  }
  const pixels = size * size;
  // What the replicas mirror: this model and optimizer, as of this many updates.
  let mirrored: { model: tfl.LayersModel; optimizer: tf.Optimizer; iterations: number; moments: readonly unknown[]; values: readonly object[] } | null = null;
  const summed = new Float32Array(params);

  const step: StepFunction = async (m, optimizer, x, y, lossName = 'dice'): Promise<StepResult> => {
    const n = x.shape[0];
    // Fewer slices than threads (a last short batch): this thread alone (the replicas catch up at the next step).
    if (n < threads) return trainStepAsync(m, optimizer, x, y, lossName);
    if (n > maxBatch) throw new Error(`a batch of ${n} slices is larger than the ${maxBatch} the threads were set up for`);
    if (parameterCount(m) !== params || x.shape[1] !== size) throw new Error('the model is not the architecture the training threads were started with');
    memory.throwIfFailed();
    const variables = trainableVariables(m);
    // The replicas take this thread's weights and Adam state whenever they may differ: a new run or
    // seed, a checkpoint restored, an update made here alone, a weight assigned between steps (tfjs
    // gives a variable a new dataId whenever it is assigned).
    const mirror = !mirrored || mirrored.model !== m || mirrored.optimizer !== optimizer || mirrored.iterations !== optimizer.iterations
      || mirrored.moments !== adamMoments(optimizer) || variables.some((v, i) => v.dataId !== mirrored!.values[i]);
    if (mirror) writeAdamState(optimizer, variables, memory.adam);
    memory.adam.scalars[0] = (optimizer as unknown as { learningRate: number }).learningRate;
    memory.x.set(x.dataSync() as Float32Array);
    memory.y.set(y.dataSync() as Float32Array);
    Atomics.store(memory.control, Slot.Mirror, mirror ? 1 : 0);
    Atomics.store(memory.control, Slot.BatchSize, n);
    Atomics.store(memory.control, Slot.Loss, lossName === 'dicebce' ? 1 : 0);
    Atomics.add(memory.control, Slot.StepGeneration, 1);
    Atomics.notify(memory.control, Slot.StepGeneration);

    shareGradients(memory, 0, m, variables, memory.gradsOf(0));
    // The replicas' weights after the last step (summed before the loss exchange inside shareGradients).
    if (!mirror) memory.checkMirrors(weightSum(variables));
    memory.barrier();
    // Every thread applies this same update to its own copy (bit-identical: same sums, same order).
    applySummedAdam(optimizer, variables, memory.allGrads(), summed);
    mirrored = { model: m, optimizer, iterations: optimizer.iterations, moments: adamMoments(optimizer), values: variables.map((v) => v.dataId) };
    return batchResult(memory, lossName === 'dicebce', n * pixels);
  };
  return { threads, step, close };
}
