import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ADAM_SCALARS, applySummedAdam, readAdamState, weightSum, writeAdamState, type AdamState } from './adamMirror';
import { chooseBackend } from './backends';

beforeAll(async () => {
  await chooseBackend('wasm');
});

/** Deterministic values with a spread of magnitudes (tiny, ordinary, large gradients). */
function values(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((s / 2 ** 32) - 0.5) * scale * (i % 7 === 0 ? 1e-4 : i % 5 === 0 ? 30 : 1);
  }
  return out;
}

const SHAPES: number[][] = [[3, 3, 2, 4], [4], [1, 1, 4, 1], [1]];
const PARAMS = SHAPES.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);

function makeVariables(prefix: string): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(tf.tensor(values(shape.reduce((a, b) => a * b, 1), 7 + i, 0.5), shape), true, `${prefix}${i}`));
}

function flat(vs: tf.Variable[]): Float32Array {
  return Float32Array.from(vs.flatMap((v) => Array.from(v.dataSync())));
}

function momentsOf(o: tf.Optimizer): Float32Array {
  const m = (o as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[] });
  return flat([...m.accumulatedFirstMoment, ...m.accumulatedSecondMoment].map((x) => x.variable));
}

describe('applySummedAdam', () => {
  it('is applyGradients on the threads\' float32 sum, step after step, with the rate changed between steps', () => {
    const byTf = makeVariables('tfAdam');
    const byHeap = makeVariables('heapAdam');
    const tfAdam = tf.train.adam(1e-3);
    const heapAdam = tf.train.adam(1e-3);
    let afterFirst = 0;
    for (let step = 0; step < 4; step++) {
      const rate = [1e-3, 2.5e-4, 7e-4, 1e-5][step];
      (tfAdam as unknown as { learningRate: number }).learningRate = rate;
      (heapAdam as unknown as { learningRate: number }).learningRate = rate;
      // Two threads' gradients; applyGradients gets their float32 sum.
      const a = values(PARAMS, 100 + step, 2);
      const b = values(PARAMS, 200 + step, 2);
      const sum = new Float32Array(PARAMS);
      for (let i = 0; i < PARAMS; i++) sum[i] = a[i] + b[i];
      let at = 0;
      const named = byTf.map((v) => {
        const g = { name: v.name, tensor: tf.tensor(sum.slice(at, at + v.size), v.shape) };
        at += v.size;
        return g;
      });
      tfAdam.applyGradients(named);
      tf.dispose(named.map((g) => g.tensor));
      applySummedAdam(heapAdam, byHeap, [a, b], new Float32Array(PARAMS));
      expect(flat(byHeap)).toEqual(flat(byTf));
      expect(momentsOf(heapAdam)).toEqual(momentsOf(tfAdam));
      expect(heapAdam.iterations).toBe(tfAdam.iterations);
      if (step === 0) afterFirst = tf.memory().numTensors; // the moments are made on the first step
      else expect(tf.memory().numTensors).toBe(afterFirst);
    }
    expect(flat(byHeap)).not.toEqual(Float32Array.from(SHAPES.flatMap((s, i) => Array.from(values(s.reduce((x, y) => x * y, 1), 7 + i, 0.5)))));
    tf.dispose([...byTf, ...byHeap]);
    tfAdam.dispose();
    heapAdam.dispose();
  });

  it('refuses another optimizer', () => {
    const vs = makeVariables('sgd');
    expect(() => applySummedAdam(tf.train.sgd(0.1), vs, [new Float32Array(PARAMS)], new Float32Array(PARAMS))).toThrow(/mirror Adam; this run's optimizer is SGD/);
    tf.dispose(vs);
  });
});

describe('writeAdamState / readAdamState', () => {
  it('start a mirror that then follows the same updates to the bit', () => {
    const first = makeVariables('original');
    const adam = tf.train.adam(3e-4, 0.8, 0.99);
    applySummedAdam(adam, first, [values(PARAMS, 5, 1)], new Float32Array(PARAMS));
    const state: AdamState = { weights: new Float32Array(PARAMS), first: new Float32Array(PARAMS), second: new Float32Array(PARAMS), scalars: new Float64Array(ADAM_SCALARS) };
    writeAdamState(adam, first, state);
    const copy = makeVariables('mirror');
    const mirror = readAdamState(state, copy);
    expect(flat(copy)).toEqual(flat(first));
    expect(mirror.iterations).toBe(1);
    for (let step = 0; step < 2; step++) {
      const g = values(PARAMS, 50 + step, 1);
      applySummedAdam(adam, first, [g, g], new Float32Array(PARAMS));
      applySummedAdam(mirror, copy, [g, g], new Float32Array(PARAMS));
    }
    expect(flat(copy)).toEqual(flat(first));
    expect(momentsOf(mirror)).toEqual(momentsOf(adam));
    expect(weightSum(copy)).toBe(weightSum(first));
    expect(weightSum(first)).toBeCloseTo(flat(first).reduce((a, b) => a + b, 0), 9);
    tf.dispose([...first, ...copy]);
  });
});
