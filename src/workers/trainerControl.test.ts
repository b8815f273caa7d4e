// A Stop or Pause clicked while a run is still starting reaches its trainer once it exists: a real
// Trainer on a tiny slice set, stopped before it was attached, trains no step.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../model/backends';
import { buildSliceSet } from '../model/sliceSet';
import { DEFAULT_AUGMENT } from '../model/batches';
import { Trainer, inlineBatchSource, type TrainerSettings } from '../model/trainer';
import { unet } from '../model/unet';
import { TrainerControl } from './trainerControl';

function tinyTrainer(): Trainer {
  const size = 64;
  const px = size * size;
  const set = buildSliceSet([{ name: 'P', width: size, height: size, kept: 4, images: new Uint8Array(4 * px).fill(100), masks: new Uint8Array(4 * px) }], size);
  const settings: TrainerSettings = { baseFilters: 2, size, batchSize: 2, learningRate: 1e-3, epochs: 1, seed: 1, augment: { ...DEFAULT_AUGMENT, mode: 'none' }, threshold: 0.5 };
  return new Trainer(unet({ baseFilters: 2, size, seed: 1 }), tf.train.adam(1e-3), set, null, settings, inlineBatchSource(set, settings));
}

describe('TrainerControl', () => {
  it('applies a Stop made before the trainer existed: the run ends without a step', async () => {
    await chooseBackend('cpu');
    const control = new TrainerControl();
    control.stop();
    const trainer = tinyTrainer();
    control.attach(trainer);
    let steps = 0;
    const { stopped, state } = await trainer.fit({ onStep: () => steps++ });
    expect(stopped).toBe(true);
    expect(steps).toBe(0);
    expect(state.epoch).toBe(0);
  });

  it('applies a Pause made before, and Resume lets the run go on', async () => {
    await chooseBackend('cpu');
    const control = new TrainerControl();
    control.pause();
    expect(control.isPaused).toBe(true);
    const trainer = tinyTrainer();
    control.attach(trainer);
    expect(trainer.isPaused).toBe(true);
    control.resume();
    const { stopped, state } = await trainer.fit();
    expect(stopped).toBe(false);
    expect(state.epoch).toBe(1);
  });
});
