// The weights' moving average: each update folds the model's weights in with the warmed-up decay,
// withAveraged shows the average to its callback and puts the trained weights back, and nothing leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { chooseBackend } from './backends';
import { WeightAverage } from './weightAverage';

function tinyModel(): tfl.LayersModel {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
  model.setWeights([tf.tensor2d([[1], [2]]), tf.tensor1d([3])]);
  return model;
}

const setAll = (model: tfl.LayersModel, v: number) => model.setWeights([tf.fill([2, 1], v), tf.fill([1], v)]);
const firstWeight = (model: tfl.LayersModel) => Array.from(model.getWeights()[0].dataSync());

describe('WeightAverage', () => {
  beforeAll(async () => {
    await chooseBackend('cpu');
  });

  it('folds each update in with min(decay, (1 + n) / (10 + n))', async () => {
    const model = tinyModel();
    const average = new WeightAverage(model, 0.5);
    expect(average.currentDecay()).toBeCloseTo(0.1, 12);
    setAll(model, 10);
    average.update(); // 0.1·[1, 2] + 0.9·10
    expect(average.currentDecay()).toBeCloseTo(2 / 11, 12);
    setAll(model, 0);
    average.update(); // ·2/11
    const expected = [1, 2].map((w0) => (0.1 * w0 + 9) * (2 / 11));
    await average.withAveraged(async () => {
      firstWeight(model).forEach((w, i) => expect(w).toBeCloseTo(expected[i], 5));
    });
    for (let i = 0; i < 20; i++) average.update();
    expect(average.currentDecay()).toBe(0.5);
    average.dispose();
    model.dispose();
  });

  it('puts the trained weights back after the callback, even when it throws, and leaks nothing', async () => {
    const model = tinyModel();
    const average = new WeightAverage(model, 0.9);
    setAll(model, 4);
    average.update();
    const before = tf.memory().numTensors;
    await expect(average.withAveraged(async () => {
      expect(firstWeight(model)[0]).not.toBe(4);
      throw new Error('validation failed');
    })).rejects.toThrow('validation failed');
    expect(firstWeight(model)).toEqual([4, 4]);
    expect(tf.memory().numTensors).toBe(before);
    average.dispose();
    model.dispose();
  });

  it('refuses a decay outside [0, 1)', () => {
    const model = tinyModel();
    expect(() => new WeightAverage(model, 1)).toThrow(/decay must be in \[0, 1\)/);
    model.dispose();
  });
});
