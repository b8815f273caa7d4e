// A data-parallel step on real worker threads is the one-thread step on the whole batch: the same
// loss and Dice, and after three steps the same weights, up to float rounding; for −Dice and for
// −Dice + BCE, with a batch that does not split evenly. The optimizer is Adam with an epsilon far
// above the gradients' size, which makes it gradient descent with momentum: Adam's usual first steps
// divide each gradient by its own size and would magnify rounding in near-zero ones. The replicas
// apply the update themselves, so a step taken alone or weights changed between steps must reach
// them before the next split step. A replica that fails stops the step with its message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../model/backends';
import { startDataParallel } from '../model/dataParallel';
import type { LossName } from '../model/losses';
import { trainStepAsync } from '../model/train';
import { unet } from '../model/unet';
import { startTrainingThreads } from './replicaThreads';
import type { DataParallel } from '../model/dataParallel';

const SIZE = 64;

function batch(n: number, seed: number) {
  const x = tf.randomUniform([n, SIZE, SIZE, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
  const y = tf.cast(tf.greater(tf.randomUniform([n, SIZE, SIZE, 1], 0, 1, 'float32', seed + 1), 0.6), 'float32') as tf.Tensor4D;
  return { x, y };
}

/** Adam with an epsilon far above the gradients: gradient descent with momentum (see the header). */
function momentumAdam(): tf.Optimizer {
  return tf.train.adam(500, 0.9, 0.999, 1000);
}

function weightsOf(model: ReturnType<typeof unet>): Float32Array[] {
  return model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
}

function maxRelativeDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((wa, i) => {
    let diff = 0;
    let scale = 0;
    for (let k = 0; k < wa.length; k++) {
      diff = Math.max(diff, Math.abs(wa[k] - b[i][k]));
      scale = Math.max(scale, Math.abs(wa[k]));
    }
    // Deep biases start at 0 and move by ~1e-5 in three steps: their rounding is measured against 0.01.
    worst = Math.max(worst, diff / Math.max(scale, 0.01));
  });
  return worst;
}

describe('data-parallel training step on worker threads', () => {
  let parallel: DataParallel;
  beforeAll(async () => {
    await chooseBackend('wasm');
    const shape = unet({ baseFilters: 4, size: SIZE, seed: 3 });
    parallel = (await startTrainingThreads(shape, 2, 5))!;
    shape.dispose();
  }, 120_000);
  afterAll(() => parallel?.close());

  for (const [loss, n] of [['dice', 4], ['dicebce', 5]] as [LossName, number][]) {
    it(`gives the one-thread step's loss, Dice and weights (${loss}, batch ${n})`, async () => {
      const one = unet({ baseFilters: 4, size: SIZE, seed: 3 });
      const two = unet({ baseFilters: 4, size: SIZE, seed: 3 });
      const optOne = momentumAdam();
      const optTwo = momentumAdam();
      const losses: [number, number][] = [];
      for (let s = 0; s < 3; s++) {
        const { x, y } = batch(n, 10 + s);
        const a = await trainStepAsync(one, optOne, x, y, loss);
        const b = await parallel.step(two, optTwo, x, y, loss);
        losses.push([a.loss, b.loss]);
        expect(b.dice).toBeCloseTo(a.dice, 4);
        tf.dispose([x, y]);
      }
      for (const [a, b] of losses) expect(b).toBeCloseTo(a, 4);
      // The weights moved (a step happened) and moved alike.
      expect(maxRelativeDifference(weightsOf(one), weightsOf(unet({ baseFilters: 4, size: SIZE, seed: 3 })))).toBeGreaterThan(1e-3);
      expect(maxRelativeDifference(weightsOf(one), weightsOf(two))).toBeLessThan(1e-4);
      one.dispose();
      two.dispose();
    }, 120_000);
  }

  it('brings the replicas up to date after a step taken alone and after weights changed between steps', async () => {
    const one = unet({ baseFilters: 4, size: SIZE, seed: 5 });
    const two = unet({ baseFilters: 4, size: SIZE, seed: 5 });
    const [optOne, optTwo] = [momentumAdam(), momentumAdam()];
    const halve = (model: ReturnType<typeof unet>) => {
      const kernel = model.trainableWeights[0].read() as tf.Variable;
      kernel.assign(tf.mul(kernel, 0.5));
    };
    // Batches of 4, 1 (fewer slices than threads: the first thread alone), 4, then a change made
    // outside the steps (as a restored checkpoint would), then 4 and 4.
    const plan: (number | 'halve')[] = [4, 1, 4, 'halve', 4, 4];
    for (const [k, item] of plan.entries()) {
      if (item === 'halve') {
        halve(one);
        halve(two);
        continue;
      }
      const { x, y } = batch(item, 40 + k);
      const a = await trainStepAsync(one, optOne, x, y, 'dice');
      const b = await parallel.step(two, optTwo, x, y, 'dice');
      expect(b.loss).toBeCloseTo(a.loss, 4);
      tf.dispose([x, y]);
    }
    expect(maxRelativeDifference(weightsOf(one), weightsOf(two))).toBeLessThan(1e-4);
    one.dispose();
    two.dispose();
  }, 120_000);

  it('refuses a model of another architecture', async () => {
    const other = unet({ baseFilters: 8, size: SIZE, seed: 3 });
    const { x, y } = batch(4, 1);
    await expect(parallel.step(other, tf.train.adam(1e-3), x, y)).rejects.toThrow('not the architecture');
    other.dispose();
    tf.dispose([x, y]);
  });
});

describe('a replica that fails', () => {
  it('stops the start with its message', async () => {
    await chooseBackend('wasm');
    const shape = unet({ baseFilters: 4, size: SIZE, seed: 3 });
    const start = startDataParallel(shape, {
      threads: 2,
      maxBatch: 4,
      spawn: (_init, failed) => {
        const timer = setTimeout(() => failed(new Error('replica-thread.mjs could not be loaded')), 50);
        return { terminate: () => clearTimeout(timer) };
      },
    });
    await expect(start).rejects.toThrow('a training thread failed: replica-thread.mjs could not be loaded');
    shape.dispose();
  });
});
