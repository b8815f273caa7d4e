// Segmentation losses: the reference's soft Dice over the whole batch (not per image), so a
// batch's empty slices do not dominate, and Dice + binary cross-entropy (the Laptop preset's: the
// per-pixel term gives every pixel a gradient from the first step, which steadies short runs).
// Pure tfjs: no DOM, no IndexedDB; runs in Node, workers and the tab. Must never read tensor values
// back (no dataSync): it sits inside gradient tapes.
import * as tf from '@tensorflow/tfjs-core';

/** 'dice': the reference's −Dice; 'dicebce': −Dice + mean binary cross-entropy. */
export type LossName = 'dice' | 'dicebce';

export const LOSS_NAMES: readonly LossName[] = ['dice', 'dicebce'];

/** Probabilities are clipped to [ε, 1 − ε] before the logarithms (as Keras and PyTorch's yardstick do). */
export const BCE_EPSILON = 1e-6;

/** Soft Dice (2·Σ y·p + smooth) / (Σ y + Σ p + smooth) over every pixel of the batch. */
export function diceCoefficient(yTrue: tf.Tensor, yPred: tf.Tensor, smooth = 1): tf.Scalar {
  return tf.tidy(() => {
    const intersection = tf.sum(tf.mul(yTrue, yPred));
    const total = tf.add(tf.sum(yTrue), tf.sum(yPred));
    return tf.div(tf.add(tf.mul(intersection, 2), smooth), tf.add(total, smooth));
  });
}

/** The reference loss: −Dice, minimised by Adam. */
export function diceLoss(yTrue: tf.Tensor, yPred: tf.Tensor, smooth = 1): tf.Scalar {
  return tf.tidy(() => tf.neg(diceCoefficient(yTrue, yPred, smooth)));
}

/** Mean over every pixel of −(y·log p + (1 − y)·log(1 − p)), p clipped to [ε, 1 − ε]. */
export function binaryCrossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, BCE_EPSILON, 1 - BCE_EPSILON);
    const positive = tf.mul(yTrue, tf.log(p));
    const negative = tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)));
    return tf.neg(tf.mean(tf.add(positive, negative))) as tf.Scalar;
  });
}

/** −Dice + BCE, both over the whole batch. */
export function diceBceLoss(yTrue: tf.Tensor, yPred: tf.Tensor, smooth = 1): tf.Scalar {
  return tf.tidy(() => tf.add(diceLoss(yTrue, yPred, smooth), binaryCrossEntropy(yTrue, yPred)));
}

/** The loss a run trains on, by name. */
export function segmentationLoss(name: LossName = 'dice'): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar {
  return name === 'dicebce' ? diceBceLoss : diceLoss;
}
