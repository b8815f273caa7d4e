// A data-parallel step on real worker threads is the one-thread step on the whole batch: the same
// loss and Dice, and after three steps the same weights, up to float rounding (plain gradient
// descent, so the weights' change is the summed gradient itself: Adam's first steps divide each
// gradient by its own size and would magnify rounding in near-zero ones); for −Dice and for
// −Dice + BCE, with a batch that does not split evenly. A replica that fails stops the step
// with its message instead of hanging.
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
    worst = Math.max(worst, diff / scale);
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
      const optOne = tf.train.sgd(0.5);
      const optTwo = tf.train.sgd(0.5);
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
