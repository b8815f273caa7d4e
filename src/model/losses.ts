// Segmentation losses: the reference's soft Dice over the whole batch (not per image), so a
// batch's empty slices do not dominate. Pure tfjs: no DOM, no IndexedDB; runs in Node, workers
// and the tab. Must never read tensor values back (no dataSync): it sits inside gradient tapes.
import * as tf from '@tensorflow/tfjs-core';

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
