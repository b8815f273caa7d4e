// A UNet trained on the WASM backend in Node learns to segment discs in noise, without leaking.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from './backends';
import { diceCoefficient } from './losses';
import { fitOnArrays, type SliceArrays } from './train';
import { unet } from './unet';

/** A real training run: ~1 min alone on 2 cores, several when the suite's other files share them (a limit, not a timing). */
const TRAINING_TEST_TIMEOUT_MS = 360_000;

/** Bright discs of random position, radius and brightness on a dark background, plus noise. */
function discs(count: number, size: number, seed: number): SliceArrays {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pixels = size * size;
  const images = new Float32Array(count * pixels);
  const masks = new Float32Array(count * pixels);
  for (let s = 0; s < count; s++) {
    const radius = 5 + random() * 12;
    const cy = radius + random() * (size - 2 * radius);
    const cx = radius + random() * (size - 2 * radius);
    const brightness = 0.6 + 0.4 * random();
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = (y - cy) ** 2 + (x - cx) ** 2 <= radius ** 2 ? 1 : 0;
        masks[s * pixels + y * size + x] = inside;
        images[s * pixels + y * size + x] = inside * brightness + 0.2 * gaussian();
      }
    }
  }
  return { images, masks, count, size };
}

describe('training on the WASM backend in Node', () => {
  beforeAll(async () => {
    expect((await chooseBackend('wasm')).backend).toBe('wasm');
  });

  it('learns disc segmentation to Dice ≥ 0.9 on held-out slices, leaking no tensors', () => {
    const size = 64;
    const train = discs(96, size, 1);
    const heldOut = discs(16, size, 2);
    const model = unet({ baseFilters: 4, size, seed: 7 });
    const tensorsAfterEpoch: number[] = [];
    const heapTensorsAfterEpoch: number[] = []; // the backend's count also sees kernel intermediates
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const started = performance.now();
    const losses = fitOnArrays(model, train, {
      epochs: 20, batchSize: 8, learningRate: 3e-3,
      onEpochEnd: () => {
        tensorsAfterEpoch.push(tf.memory().numTensors);
        heapTensorsAfterEpoch.push(backend.numDataIds());
      },
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`disc training: ${losses.map((l) => l.toFixed(2)).join(' ')}\n${losses.length * 12} steps in ${seconds.toFixed(1)} s, loss ${losses[0].toFixed(3)} → ${losses.at(-1)?.toFixed(3)}`);

    const dice = tf.tidy(() => {
      const x = tf.tensor4d(heldOut.images, [heldOut.count, size, size, 1]);
      const y = tf.tensor4d(heldOut.masks, [heldOut.count, size, size, 1]);
      const predicted = tf.cast(tf.greater(model.predict(x) as tf.Tensor, 0.5), 'float32');
      return diceCoefficient(y, predicted).dataSync()[0];
    });
    console.log(`held-out Dice ${dice.toFixed(3)}`);
    expect(dice).toBeGreaterThanOrEqual(0.9);
    expect(tensorsAfterEpoch.at(-1)).toBe(tensorsAfterEpoch[1]);
    expect(heapTensorsAfterEpoch.at(-1)).toBe(heapTensorsAfterEpoch[1]);
    model.dispose();
  }, TRAINING_TEST_TIMEOUT_MS);
});
