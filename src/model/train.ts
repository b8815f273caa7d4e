// The smallest training loop: one Adam step on a batch, and a fit over in-memory arrays used by
// tests, the CLI and the benchmark. The trainer object with callbacks, checkpoints and early stop
// builds on these. Pure tfjs: no DOM, no IndexedDB; runs in Node, workers and the tab. Must never
// leak tensors across steps (every step runs in a tidy; only the model's and optimizer's
// variables persist) and never choose a backend (model/backends.ts does).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-layers'; // side effect: registers every op's gradient (tfjs-core alone has none)
import { binaryCrossEntropy, diceCoefficient, segmentationLoss, type LossName } from './losses';
import { createRng } from '../pipeline/random';

/** One optimisation step of the loss (default −Dice) on (x, y); returns the loss before the update. */
export function trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor4D, lossName: LossName = 'dice'): number {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossOf = segmentationLoss(lossName);
  const loss = optimizer.minimize(() => lossOf(y, model.apply(x, { training: true }) as tf.Tensor), true, variables);
  if (!loss) throw new Error('trainStep: optimizer returned no loss');
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** What one step reports: the loss, and the batch's soft Dice (the loss's own Dice term, before the update). */
export interface StepResult {
  loss: number;
  dice: number;
}

/**
 * trainStep with the loss read back asynchronously: what the trainer uses. On WebGPU a synchronous
 * read (dataSync) goes through OffscreenCanvas WebGPU contexts, and in Chromium garbage-collecting
 * those destroys the GPUDevice (device.lost 'destroyed' a few seconds into a run). The batch's Dice
 * is kept from inside the loss (the same ops as losses.ts's, so the loss is bit for bit the same):
 * with −Dice + BCE the loss alone no longer says how well the batch overlaps.
 */
export async function trainStepAsync(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor4D, lossName: LossName = 'dice'): Promise<StepResult> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let dice: tf.Scalar | null = null;
  const loss = optimizer.minimize(
    () => {
      const prediction = model.apply(x, { training: true }) as tf.Tensor;
      const coefficient = tf.keep(diceCoefficient(y, prediction));
      dice = coefficient;
      return lossName === 'dicebce' ? tf.add(tf.neg(coefficient), binaryCrossEntropy(y, prediction)) : tf.neg(coefficient);
    },
    true,
    variables,
  );
  const kept = dice as tf.Scalar | null;
  try {
    if (!loss || !kept) throw new Error('trainStep: optimizer returned no loss');
    const [lossValue, diceValue] = await Promise.all([loss.data(), kept.data()]);
    return { loss: lossValue[0], dice: diceValue[0] };
  } finally {
    loss?.dispose();
    kept?.dispose();
  }
}

/** Slices and masks as flat NHWC float arrays, one channel: count × size × size values each. */
export interface SliceArrays {
  images: Float32Array;
  masks: Float32Array;
  count: number;
  size: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate?: number;
  /** Seed of the per-epoch shuffle (the same seed gives the same batches). */
  seed?: number;
  onEpochEnd?: (epoch: number, meanLoss: number) => void;
}

function gatherBatch(source: Float32Array, order: number[], pixels: number, size: number): tf.Tensor4D {
  const batch = new Float32Array(order.length * pixels);
  order.forEach((sample, i) => batch.set(source.subarray(sample * pixels, (sample + 1) * pixels), i * pixels));
  return tf.tensor4d(batch, [order.length, size, size, 1]);
}

/** Adam on −Dice over shuffled mini-batches; returns the mean loss of each epoch. */
export function fitOnArrays(model: tfl.LayersModel, data: SliceArrays, options: FitOptions): number[] {
  const { epochs, batchSize, learningRate = 1e-3, seed = 1, onEpochEnd } = options;
  const optimizer = tf.train.adam(learningRate);
  const rng = createRng(seed);
  const random = () => rng.next();
  const pixels = data.size * data.size;
  const history: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = Array.from({ length: data.count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      let total = 0;
      let batches = 0;
      for (let start = 0; start + batchSize <= order.length; start += batchSize) {
        const picked = order.slice(start, start + batchSize);
        const x = gatherBatch(data.images, picked, pixels, data.size);
        const y = gatherBatch(data.masks, picked, pixels, data.size);
        total += trainStep(model, optimizer, x, y);
        batches++;
        tf.dispose([x, y]);
      }
      history.push(total / Math.max(1, batches));
      onEpochEnd?.(epoch, history[epoch]);
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}
