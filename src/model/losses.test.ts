// −Dice is the reference loss: −(2·Σ y·p + 1)/(Σ y + Σ p + 1) over the whole batch; −Dice + BCE
// adds the mean per-pixel binary cross-entropy.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import { chooseBackend } from './backends';
import { binaryCrossEntropy, diceBceLoss, diceCoefficient, diceLoss, segmentationLoss } from './losses';

describe('diceLoss', () => {
  beforeAll(async () => {
    await chooseBackend('cpu');
  });

  it('is −1 for a perfect prediction and near 0 for a disjoint one', () => {
    const y = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    expect(diceLoss(y, y).dataSync()[0]).toBeCloseTo(-1, 6);
    expect(diceLoss(y, tf.sub(1, y)).dataSync()[0]).toBeCloseTo(-1 / 5, 6);
  });

  it('pools the whole batch, as the reference does', () => {
    const y = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2, 1]);
    const p = tf.tensor4d([0.5, 0.5, 0, 0, 0, 0, 0, 1], [2, 2, 2, 1]);
    // 2·0.5 + 1 over 1 + 2 + 1
    expect(diceCoefficient(y, p).dataSync()[0]).toBeCloseTo(2 / 4, 6);
    expect(diceLoss(y, p, 0).dataSync()[0]).toBeCloseTo(-1 / 3, 6);
  });

  it('leaves only its result behind', () => {
    const y = tf.ones([1, 4, 4, 1]);
    const before = tf.memory().numTensors;
    const loss = diceLoss(y, y);
    expect(tf.memory().numTensors).toBe(before + 1);
    loss.dispose();
  });

  it('has the gradient of the formula', () => {
    const y = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    const p = tf.tensor4d([0.2, 0.4, 0.6, 0.8], [1, 2, 2, 1]);
    const grad = tf.grad((q: tf.Tensor) => diceLoss(y, q))(p).dataSync();
    // d/dp −(2I+1)/(S+1) = −(2y(S+1) − (2I+1))/(S+1)², I = 0.8, S = 2 + 2 = 4
    const expected = [1, 0, 1, 0].map((yi) => -(2 * yi * 5 - 2.6) / 25);
    grad.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 6));
  });
});

describe('binaryCrossEntropy and diceBceLoss', () => {
  beforeAll(async () => {
    await chooseBackend('cpu');
  });

  it('is the mean of −(y·log p + (1 − y)·log(1 − p))', () => {
    const y = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    const p = tf.tensor4d([0.9, 0.2, 0.6, 0.5], [1, 2, 2, 1]);
    const expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.5)) / 4;
    expect(binaryCrossEntropy(y, p).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(diceBceLoss(y, p).dataSync()[0]).toBeCloseTo(diceLoss(y, p).dataSync()[0] + expected, 5);
  });

  it('stays finite for saturated predictions (clipped at 1e-6; float32 rounds 1 − 1e-6)', () => {
    const y = tf.tensor4d([1, 0], [1, 1, 2, 1]);
    const p = tf.tensor4d([0, 1], [1, 1, 2, 1]);
    expect(binaryCrossEntropy(y, p).dataSync()[0]).toBeCloseTo(-Math.log(1e-6), 1);
  });

  it('has the gradient of the formula: (p − y) / (p (1 − p)) / n', () => {
    const y = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    const p = tf.tensor4d([0.2, 0.4, 0.6, 0.8], [1, 2, 2, 1]);
    const grad = tf.grad((q: tf.Tensor) => binaryCrossEntropy(y, q))(p).dataSync();
    [0.2, 0.4, 0.6, 0.8].forEach((pi, i) => {
      const yi = [1, 0, 1, 0][i];
      expect(grad[i]).toBeCloseTo((pi - yi) / (pi * (1 - pi)) / 4, 5);
    });
  });

  it('is chosen by name, −Dice when none is given', () => {
    const y = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    const p = tf.tensor4d([0.7, 0.1, 0.6, 0.3], [1, 2, 2, 1]);
    expect(segmentationLoss()(y, p).dataSync()[0]).toBeCloseTo(diceLoss(y, p).dataSync()[0], 6);
    expect(segmentationLoss('dicebce')(y, p).dataSync()[0]).toBeCloseTo(diceBceLoss(y, p).dataSync()[0], 6);
  });

  it('leaves only its result behind', () => {
    const y = tf.ones([1, 4, 4, 1]);
    const p = tf.fill([1, 4, 4, 1], 0.5);
    const before = tf.memory().numTensors;
    const loss = diceBceLoss(y, p);
    expect(tf.memory().numTensors).toBe(before + 1);
    loss.dispose();
  });
});
