// The other threads of a data-parallel training step (model/dataParallel.ts runs the first): each
// builds the same model from its topology, then, step after step, takes the first thread's weights
// from shared memory, computes the gradients of its share of the batch (model/stepBuffers.ts) and
// leaves them in shared memory for the first thread to sum and apply. It never updates weights
// itself, so the optimizer, its state, the learning-rate schedule and the weights' average live in
// one place. Blocks in Atomics.wait between steps: run it in a worker (a Web Worker or a Node
// worker thread) whose backend is already WASM. Pure tfjs: no DOM, no IndexedDB.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Slot, StepMemory, shareGradients, trainableVariables, type StepBuffers } from './stepBuffers';

/** What a replica thread is started with. */
export interface ReplicaInit {
  buffers: StepBuffers;
  /** 1 … threads − 1 (the first thread, 0, runs the step). */
  rank: number;
  /** The model's topology (LayersModel.toJSON(null, false)). */
  topology: object;
}

/** Copies the first thread's weights (published before each step) into this replica's variables. */
function loadWeights(memory: StepMemory, variables: tf.Variable[]): void {
  let at = 0;
  for (const v of variables) {
    const value = tf.tensor(memory.weights.subarray(at, at + v.size), v.shape, 'float32');
    v.assign(value);
    value.dispose();
    at += v.size;
  }
}

/**
 * Serves steps until told to quit (or a thread fails); a failure here (`setUp` included: the shell's
 * backend choice) is recorded for every thread.
 */
export async function runReplica(init: ReplicaInit, setUp: () => Promise<void>): Promise<void> {
  const memory = new StepMemory(init.buffers);
  try {
    await setUp();
    const model = await tfl.models.modelFromJSON(init.topology as Parameters<typeof tfl.models.modelFromJSON>[0]);
    const variables = trainableVariables(model);
    let seen = Atomics.load(memory.control, Slot.StepGeneration);
    Atomics.add(memory.control, Slot.Ready, 1);
    Atomics.notify(memory.control, Slot.Ready);
    for (;;) {
      // Between steps a run may be paused for hours: no stall limit here.
      while (Atomics.load(memory.control, Slot.StepGeneration) === seen) Atomics.wait(memory.control, Slot.StepGeneration, seen);
      seen = Atomics.load(memory.control, Slot.StepGeneration);
      if (Atomics.load(memory.control, Slot.Command) !== 0 || Atomics.load(memory.control, Slot.Failed) !== 0) break;
      loadWeights(memory, variables);
      shareGradients(memory, init.rank, model, variables, memory.gradsOf(init.rank));
      memory.barrier();
    }
    model.dispose();
  } catch (error) {
    if (Atomics.load(memory.control, Slot.Failed) === 0) memory.fail(error);
  }
}
