// An exponential moving average of the model's weights over the training steps, the weights that
// validation and the saved models use when a run asks for it. With one or two training patients the
// held-out Dice of the raw weights swings by ±0.05 from one epoch to the next; the average of the
// last few dozen steps' weights moves smoothly, so the best epoch is less a matter of luck and the
// seeds agree. The decay warms up as TensorFlow's ExponentialMovingAverage(num_updates) does, so a
// short run is not dragged towards its random initialisation. Pure tfjs: no DOM, no IndexedDB.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export class WeightAverage {
  private readonly shadow: tf.Variable[];
  private updates = 0;

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly decay: number,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new Error(`weight-average decay must be in [0, 1), not ${decay}`);
    this.shadow = model.trainableWeights.map((w) => tf.variable(w.read(), false));
  }

  /** The decay of the next update: min(decay, (1 + n) / (10 + n)) after n updates. */
  currentDecay(): number {
    return Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
  }

  /** Folds the model's current weights into the average (after each optimisation step). */
  update(): void {
    const d = this.currentDecay();
    this.updates++;
    const weights = this.model.trainableWeights;
    tf.tidy(() => this.shadow.forEach((s, i) => s.assign(tf.add(tf.mul(s, d), tf.mul(weights[i].read(), 1 - d)))));
  }

  /** Runs `fn` with the averaged weights in the model, then puts the trained weights back. */
  async withAveraged<T>(fn: () => Promise<T>): Promise<T> {
    const weights = this.model.trainableWeights;
    const trained = weights.map((w) => tf.clone(w.read()));
    weights.forEach((w, i) => w.write(this.shadow[i]));
    try {
      return await fn();
    } finally {
      weights.forEach((w, i) => w.write(trained[i]));
      tf.dispose(trained);
    }
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
