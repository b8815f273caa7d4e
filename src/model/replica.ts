// The other threads of a data-parallel training step (model/dataParallel.ts runs the first): each
// builds the same model from its topology, takes the first thread's weights and Adam state when told
// to (a new run, a resumed one), then, step after step, computes the gradients of its share of the
// batch (model/stepBuffers.ts), leaves them in shared memory, and applies the same update as the first
// thread to its own copy (model/adamMirror.ts, bit-identical), at the rate the first thread's schedule
// set for the step. The schedule, checkpoints and the weights' average stay with the first thread.
// Blocks in Atomics.wait between steps: run it in a worker (a Web Worker or a Node
// worker thread) whose backend is already WASM. Pure tfjs: no DOM, no IndexedDB.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { applySummedAdam, readAdamState, weightSum } from './adamMirror';
import { Slot, StepMemory, shareGradients, trainableVariables, type StepBuffers } from './stepBuffers';
import { setLearningRate } from './trainer';

/** What a replica thread is started with. */
export interface ReplicaInit {
  buffers: StepBuffers;
  /** 1 … threads − 1 (the first thread, 0, runs the step). */
  rank: number;
  /** The model's topology (LayersModel.toJSON(null, false)). */
  topology: object;
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
    let optimizer: tf.Optimizer | null = null;
    const summed = new Float32Array(init.buffers.params);
    let seen = Atomics.load(memory.control, Slot.StepGeneration);
    Atomics.add(memory.control, Slot.Ready, 1);
    Atomics.notify(memory.control, Slot.Ready);
    for (;;) {
      // Between steps a run may be paused for hours: no stall limit here.
      while (Atomics.load(memory.control, Slot.StepGeneration) === seen) Atomics.wait(memory.control, Slot.StepGeneration, seen);
      seen = Atomics.load(memory.control, Slot.StepGeneration);
      if (Atomics.load(memory.control, Slot.Command) !== 0 || Atomics.load(memory.control, Slot.Failed) !== 0) break;
      if (Atomics.load(memory.control, Slot.Mirror) === 1) optimizer = readAdamState(memory.adam, variables, optimizer ?? undefined);
      else memory.checks[init.rank] = weightSum(variables);
      if (!optimizer) throw new Error('a training thread was asked for a step before it was given the weights');
      // Read now: the first thread writes the next step's rate once this step's loss exchange is over.
      setLearningRate(optimizer, memory.adam.scalars[0]);
      shareGradients(memory, init.rank, model, variables, memory.gradsOf(init.rank));
      memory.barrier();
      applySummedAdam(optimizer, variables, memory.allGrads(), summed);
    }
    model.dispose();
    optimizer?.dispose();
  } catch (error) {
    if (Atomics.load(memory.control, Slot.Failed) === 0) memory.fail(error);
  }
}
