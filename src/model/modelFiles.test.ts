// Models as files: a trained UNet exported to model.json + weights and read back predicts the
// same; files that do not fit LiverLab (wrong channels, non-square, missing weights) are refused
// with a message that says why.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { unet } from './unet';
import { restoreModel, snapshotModel } from './checkpoint';
import { fromModelFiles, modelInputSize, toModelFiles } from './modelFiles';

describe('model files', () => {
  it('round-trips a UNet through model.json + weights with identical predictions', async () => {
    await tf.setBackend('cpu');
    const model = unet({ baseFilters: 2, size: 64, seed: 4 });
    const files = toModelFiles(await snapshotModel(model), 'liver');
    expect(JSON.parse(files.modelJson).weightsManifest[0].paths).toEqual(['./liver.weights.bin']);
    const back = fromModelFiles(files.modelJson, new Map([['liver.weights.bin', files.weights]]));
    expect(modelInputSize(back)).toEqual({ ok: true, size: 64 });
    const again = await restoreModel(back);
    const x = tf.randomUniform([1, 64, 64, 1], 0, 1, 'float32', 3);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (again.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('refuses files that do not fit, saying why', async () => {
    const model = unet({ baseFilters: 2, size: 64 });
    const files = toModelFiles(await snapshotModel(model), 'm');
    expect(() => fromModelFiles(files.modelJson, new Map())).toThrow(/needs the weights file m\.weights\.bin/);
    expect(() => fromModelFiles('{"format":"graph-model"}', new Map())).toThrow(/not a tfjs layers model/);
    expect(() => fromModelFiles(files.modelJson, new Map([['m.weights.bin', new ArrayBuffer(8)]]))).toThrow(/hold 8 bytes/);
    const rgb = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [64, 64, 3], filters: 1, kernelSize: 1 })] });
    expect(modelInputSize(await snapshotModel(rgb))).toMatchObject({ ok: false, message: expect.stringMatching(/takes 3 channels/) });
    const rect = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [64, 96, 1], filters: 1, kernelSize: 1 })] });
    expect(modelInputSize(await snapshotModel(rect))).toMatchObject({ ok: false, message: expect.stringMatching(/64×96/) });
    const multi = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [64, 64, 1], filters: 3, kernelSize: 1 })] });
    expect(modelInputSize(await snapshotModel(multi))).toMatchObject({ ok: false, message: expect.stringMatching(/outputs 3 channels/) });
  });
});
