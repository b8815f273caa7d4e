// Adam mirrored across the threads of a split training step (model/dataParallel.ts): every thread
// sums the threads' gradients in rank order and applies the same tfjs Adam update to its own copy of
// the weights, so the copies stay equal to the bit and no thread waits for another's weights (the old
// way, the first thread updating and publishing, left the other core idle for the update and made it
// start each step late by the copy). Here: that update, a sum of the weights the mirrors compare after
// each step, and the optimizer's state as flat arrays, to start (or restart) a mirror from the first
// thread's. The state stays in the AdamOptimizer's own variables, so checkpoints (getWeights /
// setWeights) and one-thread steps see one optimizer. Pure tfjs: no DOM, no IndexedDB.
import * as tf from '@tensorflow/tfjs-core';
import { floatValues } from './wasmHeap';

interface Moment {
  originalName: string;
  variable: tf.Variable;
}

/** The fields of tfjs 4's AdamOptimizer this module reads and writes (they are not in its typings). */
interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
  iterations_: number | undefined;
}

function fieldsOf(optimizer: tf.Optimizer): AdamFields {
  if (optimizer.getClassName() !== 'Adam') throw new Error(`steps split over threads mirror Adam; this run's optimizer is ${optimizer.getClassName()}`);
  return optimizer as unknown as AdamFields;
}

/** Adam's moments for `variables`, made as applyGradients makes them on its first call (zeros). */
function momentsFor(o: AdamFields, variables: tf.Variable[]): void {
  variables.forEach((v, i) => {
    o.accumulatedFirstMoment[i] ??= { originalName: `${v.name}/m`, variable: tf.tidy(() => tf.zerosLike(v).variable(false)) };
    o.accumulatedSecondMoment[i] ??= { originalName: `${v.name}/v`, variable: tf.tidy(() => tf.zerosLike(v).variable(false)) };
  });
}

/**
 * One Adam step on `variables` with the gradient Σ grads[r] (each flattened in variable order,
 * summed in rank order into `summed`): every thread that calls this with the same state and
 * gradients gets the same weights to the bit (the same tfjs kernels on the same values).
 */
export function applySummedAdam(optimizer: tf.Optimizer, variables: tf.Variable[], grads: Float32Array[], summed: Float32Array): void {
  fieldsOf(optimizer);
  const [first, ...others] = grads;
  if (others.length === 0) summed.set(first);
  else {
    for (let k = 0; k < summed.length; k++) summed[k] = first[k] + others[0][k];
    for (const theirs of others.slice(1)) for (let k = 0; k < summed.length; k++) summed[k] += theirs[k];
  }
  let at = 0;
  const named = variables.map((v) => {
    const tensor = tf.tensor(summed.subarray(at, at + v.size), v.shape, 'float32');
    at += v.size;
    return { name: v.name, tensor };
  });
  try {
    optimizer.applyGradients(named);
  } finally {
    tf.dispose(named.map((g) => g.tensor));
  }
}

/** The sum of `variables`' values (float64, in order), read in place on WASM: mirrors compare it after each update. */
export function weightSum(variables: tf.Variable[]): number {
  let sum = 0;
  for (const w of variables) {
    const values = floatValues(w);
    for (let k = 0; k < values.length; k++) sum += values[k];
  }
  return sum;
}

/** Adam's first-moment list: setWeights (a checkpoint restored) replaces it, so a changed list means changed state. */
export function adamMoments(optimizer: tf.Optimizer): readonly unknown[] {
  return fieldsOf(optimizer).accumulatedFirstMoment;
}

/** An Adam optimizer's whole state, flat: what a mirror in another thread starts from. */
export interface AdamState {
  /** The weights, flattened in variable order. */
  weights: Float32Array;
  first: Float32Array;
  second: Float32Array;
  /** learningRate, beta1, beta2, epsilon, accBeta1, accBeta2, iterations. */
  scalars: Float64Array;
}

export const ADAM_SCALARS = 7;

/** Copies `optimizer`'s state and `variables`' values into `into` (moments made first if absent). */
export function writeAdamState(optimizer: tf.Optimizer, variables: tf.Variable[], into: AdamState): void {
  const o = fieldsOf(optimizer);
  momentsFor(o, variables);
  let at = 0;
  variables.forEach((w, i) => {
    into.weights.set(w.dataSync() as Float32Array, at);
    into.first.set(o.accumulatedFirstMoment[i].variable.dataSync() as Float32Array, at);
    into.second.set(o.accumulatedSecondMoment[i].variable.dataSync() as Float32Array, at);
    at += w.size;
  });
  into.scalars.set([o.learningRate, o.beta1, o.beta2, o.epsilon, o.accBeta1.dataSync()[0], o.accBeta2.dataSync()[0], optimizer.iterations]);
}

/** Makes `variables` and an Adam optimizer (a new one unless given) hold `from`'s state; returns the optimizer. */
export function readAdamState(from: AdamState, variables: tf.Variable[], optimizer?: tf.Optimizer): tf.Optimizer {
  const [learningRate, beta1, beta2, epsilon, accBeta1, accBeta2, iterations] = from.scalars;
  const target = optimizer ?? tf.train.adam(learningRate, beta1, beta2, epsilon);
  const o = fieldsOf(target);
  Object.assign(o, { learningRate, beta1, beta2, epsilon });
  momentsFor(o, variables);
  let at = 0;
  tf.tidy(() => {
    variables.forEach((w, i) => {
      const slice = (a: Float32Array) => tf.tensor(a.slice(at, at + w.size), w.shape, 'float32');
      w.assign(slice(from.weights));
      o.accumulatedFirstMoment[i].variable.assign(slice(from.first));
      o.accumulatedSecondMoment[i].variable.assign(slice(from.second));
      at += w.size;
    });
    o.accBeta1.assign(tf.scalar(accBeta1));
    o.accBeta2.assign(tf.scalar(accBeta2));
  });
  o.iterations_ = iterations;
  return target;
}
