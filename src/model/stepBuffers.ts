// The memory a data-parallel training step shares between its threads (model/dataParallel.ts runs
// the step, model/replica.ts the other threads' part), and the part every thread computes alike:
// its share of the batch, its loss and its gradients. −Dice is not a sum over slices, so a thread's
// loss takes the other threads' Σ y·p, Σ p and Σ y (and BCE's Σ) as constants, exchanged through
// this memory inside the gradient tape: each thread's gradient is then exactly the whole batch's
// gradient for its own slices, and their sum is the gradient of the step on the whole batch.
// SharedArrayBuffer and Atomics only (Node's worker_threads, or a cross-origin-isolated page);
// pure tfjs otherwise: no DOM, no IndexedDB.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ADAM_SCALARS, type AdamState } from './adamMirror';
import { BCE_EPSILON } from './losses';
import { floatValues } from './wasmHeap';

/** Int32 slots of `control`. */
export const enum Slot {
  /** Threads arrived at the current barrier. */
  Arrived = 0,
  /** Bumped each time a barrier opens. */
  BarrierGeneration = 1,
  /** Bumped by the first thread to start a step (or to quit). */
  StepGeneration = 2,
  /** 0: step; 1: quit. */
  Command = 3,
  /** Non-zero once a thread failed; its message is in `errorText`. */
  Failed = 4,
  /** Slices in this step's batch. */
  BatchSize = 5,
  /** 0: −Dice; 1: −Dice + BCE. */
  Loss = 6,
  /** Replica threads that have built their model and wait for steps. */
  Ready = 7,
  /** 1: this step starts by loading the first thread's weights and optimizer state (`state`). */
  Mirror = 8,
}

const CONTROL_SLOTS = 9;
/** Σ y·p, Σ p, Σ y and Σ BCE of one thread's slices. */
const SUMS = 4;
const ERROR_BYTES = 2048;
/** A barrier waits this long at most: a thread that has not answered by then is gone. */
const STALL_MS = 10 * 60_000;

/** Everything the threads share; structured-clonable (SharedArrayBuffers are shared, not copied). */
export interface StepBuffers {
  threads: number;
  size: number;
  maxBatch: number;
  params: number;
  control: SharedArrayBuffer;
  sums: SharedArrayBuffer;
  /** Each replica's sum of its weights after the last update (adamMirror's weightSum): the mirrors must agree. */
  checks: SharedArrayBuffer;
  /** The first thread's weights, flattened in the model's trainable-weight order, then Adam's two moments, when the replicas start mirroring it. */
  state: SharedArrayBuffer;
  /** The learning rate of this step, then the rest of Adam's scalars (adamMirror's AdamState.scalars). */
  scalars: SharedArrayBuffer;
  /** Every thread's gradients, flattened in the same order, by rank. */
  grads: SharedArrayBuffer;
  /** The batch: maxBatch slices of x, then maxBatch of y. */
  inputs: SharedArrayBuffer;
  errorText: SharedArrayBuffer;
}

export function allocateStepBuffers(threads: number, size: number, maxBatch: number, params: number): StepBuffers {
  const pixels = size * size;
  return {
    threads,
    size,
    maxBatch,
    params,
    control: new SharedArrayBuffer(4 * CONTROL_SLOTS),
    sums: new SharedArrayBuffer(8 * SUMS * threads),
    checks: new SharedArrayBuffer(8 * threads),
    state: new SharedArrayBuffer(4 * 3 * params),
    scalars: new SharedArrayBuffer(8 * ADAM_SCALARS),
    grads: new SharedArrayBuffer(4 * params * threads),
    inputs: new SharedArrayBuffer(4 * 2 * maxBatch * pixels),
    errorText: new SharedArrayBuffer(ERROR_BYTES),
  };
}

/** Typed views of the buffers, made once per thread. */
export class StepMemory {
  readonly control: Int32Array;
  readonly sums: Float64Array;
  readonly checks: Float64Array;
  /** The first thread's weights and Adam state, for a replica to start mirroring them. */
  readonly adam: AdamState;
  readonly grads: Float32Array;
  readonly x: Float32Array;
  readonly y: Float32Array;

  constructor(readonly buffers: StepBuffers) {
    this.control = new Int32Array(buffers.control);
    this.sums = new Float64Array(buffers.sums);
    this.checks = new Float64Array(buffers.checks);
    const p = buffers.params;
    this.adam = {
      weights: new Float32Array(buffers.state, 0, p),
      first: new Float32Array(buffers.state, 4 * p, p),
      second: new Float32Array(buffers.state, 8 * p, p),
      scalars: new Float64Array(buffers.scalars),
    };
    this.grads = new Float32Array(buffers.grads);
    const half = buffers.maxBatch * buffers.size * buffers.size;
    this.x = new Float32Array(buffers.inputs, 0, half);
    this.y = new Float32Array(buffers.inputs, 4 * half, half);
  }

  /** Slots of thread `rank` in `grads`. */
  gradsOf(rank: number): Float32Array {
    return this.grads.subarray(rank * this.buffers.params, (rank + 1) * this.buffers.params);
  }

  /** Every thread's gradients, in rank order (the order they are summed in). */
  allGrads(): Float32Array[] {
    return Array.from({ length: this.buffers.threads }, (_, rank) => this.gradsOf(rank));
  }

  /**
   * Throws unless every replica's weights sum to `own` (the first thread's, after the same update).
   * Call after this step's loss exchange: each replica wrote its sum before arriving there.
   */
  checkMirrors(own: number): void {
    for (let rank = 1; rank < this.buffers.threads; rank++) {
      if (this.checks[rank] === own) continue;
      const error = new Error(`training thread ${rank}'s weights no longer match the first thread's (sums ${this.checks[rank]} and ${own})`);
      this.fail(error);
      throw error;
    }
  }

  /** Records a thread's failure and wakes every waiting thread. */
  fail(error: unknown): void {
    const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error)).slice(0, ERROR_BYTES - 4);
    const bytes = new Uint8Array(this.buffers.errorText);
    bytes.set(text, 4);
    new DataView(this.buffers.errorText).setUint32(0, text.length);
    Atomics.store(this.control, Slot.Failed, 1);
    Atomics.add(this.control, Slot.BarrierGeneration, 1);
    Atomics.notify(this.control, Slot.BarrierGeneration);
    Atomics.add(this.control, Slot.StepGeneration, 1);
    Atomics.notify(this.control, Slot.StepGeneration);
  }

  /** Throws the recorded failure, if any. */
  throwIfFailed(): void {
    if (Atomics.load(this.control, Slot.Failed) === 0) return;
    const length = new DataView(this.buffers.errorText).getUint32(0);
    const message = new TextDecoder().decode(new Uint8Array(this.buffers.errorText, 4, length).slice());
    throw new Error(`a training thread failed: ${message}`);
  }

  /** Blocks until every thread has arrived (a thread that failed opens it for the others, who throw). */
  barrier(): void {
    const { control } = this;
    const generation = Atomics.load(control, Slot.BarrierGeneration);
    if (Atomics.add(control, Slot.Arrived, 1) === this.buffers.threads - 1) {
      Atomics.store(control, Slot.Arrived, 0);
      Atomics.add(control, Slot.BarrierGeneration, 1);
      Atomics.notify(control, Slot.BarrierGeneration);
    } else {
      this.waitWhile(Slot.BarrierGeneration, generation);
    }
    this.throwIfFailed();
  }

  /** Blocks while control[slot] is `value`; throws after STALL_MS without a change. */
  waitWhile(slot: Slot, value: number): void {
    const until = Date.now() + STALL_MS;
    while (Atomics.load(this.control, slot) === value) {
      if (Date.now() > until) throw new Error('a training thread stopped answering');
      Atomics.wait(this.control, slot, value, 1000);
    }
  }
}

/** Rows [from, to) of an n-slice batch for thread `rank` of `threads`: contiguous, sizes differing by at most one. */
export function shareOf(rank: number, n: number, threads: number): [number, number] {
  return [Math.floor((rank * n) / threads), Math.floor(((rank + 1) * n) / threads)];
}

/** The model's trainable variables, in the order weights and gradients are flattened. */
export function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export function parameterCount(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
}

/**
 * Thread `rank`'s loss on its slices, inside the gradient tape: the whole batch's −Dice (+ BCE) with
 * the other threads' sums as constants. Publishes its own sums and waits for the others' (a barrier:
 * every thread calls this once a step). The whole batch's pixels count in BCE's mean.
 */
export function shareLoss(memory: StepMemory, rank: number, model: tfl.LayersModel, x: tf.Tensor4D, y: tf.Tensor4D, withBce: boolean, batchPixels: number): tf.Scalar {
  const p = model.apply(x, { training: true }) as tf.Tensor;
  const intersection = tf.sum(tf.mul(y, p));
  const predicted = tf.sum(p);
  const truth = tf.sum(y);
  const bce = withBce ? bceSum(y, p) : null;
  const own = [intersection, predicted, truth, ...(bce ? [bce] : [])].map((t) => t.dataSync()[0]);
  memory.sums.set([own[0], own[1], own[2], bce ? own[3] : 0], rank * SUMS);
  memory.barrier();
  let [otherIntersection, otherTotal, otherBce] = [0, 0, 0];
  for (let r = 0; r < memory.buffers.threads; r++) {
    if (r === rank) continue;
    otherIntersection += memory.sums[r * SUMS];
    otherTotal += memory.sums[r * SUMS + 1] + memory.sums[r * SUMS + 2];
    otherBce += memory.sums[r * SUMS + 3];
  }
  const dice = tf.div(tf.add(tf.mul(intersection, 2), 2 * otherIntersection + 1), tf.add(tf.add(predicted, truth), otherTotal + 1));
  const loss = tf.neg(dice);
  return (bce ? tf.add(loss, tf.div(tf.add(bce, otherBce), batchPixels)) : loss) as tf.Scalar;
}

/** Σ −(y·log p + (1 − y)·log(1 − p)) with p clipped as losses.ts's binaryCrossEntropy does. */
function bceSum(y: tf.Tensor, p: tf.Tensor): tf.Scalar {
  const clipped = tf.clipByValue(p, BCE_EPSILON, 1 - BCE_EPSILON);
  return tf.neg(tf.sum(tf.add(tf.mul(y, tf.log(clipped)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, clipped)))))) as tf.Scalar;
}

/** The whole batch's soft Dice and loss from every thread's published sums (after the step). */
export function batchResult(memory: StepMemory, withBce: boolean, batchPixels: number): { loss: number; dice: number } {
  let [intersection, total, bce] = [0, 0, 0];
  for (let r = 0; r < memory.buffers.threads; r++) {
    intersection += memory.sums[r * SUMS];
    total += memory.sums[r * SUMS + 1] + memory.sums[r * SUMS + 2];
    bce += memory.sums[r * SUMS + 3];
  }
  const dice = (2 * intersection + 1) / (total + 1);
  return { dice, loss: -dice + (withBce ? bce / batchPixels : 0) };
}

/** Thread `rank`'s slices of the batch in shared memory, as tensors. */
export function shareTensors(memory: StepMemory, rank: number): { x: tf.Tensor4D; y: tf.Tensor4D; rows: number } {
  const n = Atomics.load(memory.control, Slot.BatchSize);
  const [from, to] = shareOf(rank, n, memory.buffers.threads);
  const px = memory.buffers.size * memory.buffers.size;
  const shape: [number, number, number, number] = [to - from, memory.buffers.size, memory.buffers.size, 1];
  return {
    x: tf.tensor4d(memory.x.subarray(from * px, to * px), shape),
    y: tf.tensor4d(memory.y.subarray(from * px, to * px), shape),
    rows: to - from,
  };
}

/** One thread's gradients of its share, flattened in variable order into `out`. */
export function shareGradients(memory: StepMemory, rank: number, model: tfl.LayersModel, variables: tf.Variable[], out: Float32Array): void {
  const withBce = Atomics.load(memory.control, Slot.Loss) === 1;
  const n = Atomics.load(memory.control, Slot.BatchSize);
  const { x, y } = shareTensors(memory, rank);
  try {
    const { value, grads } = tf.variableGrads(() => shareLoss(memory, rank, model, x, y, withBce, n * memory.buffers.size * memory.buffers.size), variables);
    let at = 0;
    for (const v of variables) {
      out.set(floatValues(grads[v.name]), at); // from the heap: no JS copy of 31 MB a step at base 32
      at += v.size;
    }
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose([x, y]);
  }
}
