// The UNet is the reference's network: same blocks, same parameter count, any size 64…512.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from './backends';
import { unet } from './unet';

/** Parameter counts of torch_unet_step.py's UNet(base), printed by PyTorch 2.x. */
const PYTORCH_PARAMS: Record<number, number> = { 4: 121_929, 8: 486_769, 16: 1_945_185, 32: 7_776_961 };

/** The same count from the reference's layer list, so any base can be checked. */
function referenceParams(b: number): number {
  const conv = (cin: number, cout: number, k: number) => cin * cout * k * k + cout;
  const double = (cin: number, cout: number) => conv(cin, cout, 3) + conv(cout, cout, 3);
  return double(1, b) + double(b, 2 * b) + double(2 * b, 4 * b) + double(4 * b, 8 * b) + double(8 * b, 16 * b)
    + conv(16 * b, 8 * b, 2) + double(16 * b, 8 * b)
    + conv(8 * b, 4 * b, 2) + double(8 * b, 4 * b)
    + conv(4 * b, 2 * b, 2) + double(4 * b, 2 * b)
    + conv(2 * b, 2 * b, 2) + double(3 * b, b)
    + conv(b, 1, 1);
}

describe('unet', () => {
  beforeAll(async () => {
    await chooseBackend('cpu');
  });

  it.each([4, 8, 16, 32])('has exactly the PyTorch reference parameter count at base %i', (base) => {
    const model = unet({ baseFilters: base, size: 64 });
    expect(model.countParams()).toBe(PYTORCH_PARAMS[base]);
    expect(referenceParams(base)).toBe(PYTORCH_PARAMS[base]);
    model.dispose();
  });

  it('reads like the paper figure: named down, bottleneck and up blocks', () => {
    const model = unet({ baseFilters: 32, size: 512 });
    const names = model.layers.map((l) => l.name);
    for (const block of ['down1', 'down2', 'down3', 'down4', 'bottleneck', 'up1', 'up2', 'up3', 'up4']) {
      expect(names).toContain(`${block}_conv1`);
      expect(names).toContain(`${block}_conv2`);
    }
    expect(model.getLayer('up4_upconv').outputShape).toEqual([null, 512, 512, 64]); // the 2·base quirk
    expect(model.getLayer('bottleneck_conv2').outputShape).toEqual([null, 32, 32, 512]);
    expect(model.outputs[0].shape).toEqual([null, 512, 512, 1]);
    model.dispose();
  });

  it.each([64, 65, 100, 127, 130, 200])('builds at size %i and predicts a size×size mask', (size) => {
    const model = unet({ baseFilters: 2, size });
    expect(model.outputs[0].shape).toEqual([null, size, size, 1]);
    const mask = tf.tidy(() => model.predict(tf.randomUniform([1, size, size, 1])) as tf.Tensor);
    expect(mask.shape).toEqual([1, size, size, 1]);
    const values = mask.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    mask.dispose();
    model.dispose();
  });

  it('pads the up-sampled map only where pooling floored (size 100: 25 → 12 at down3)', () => {
    const model = unet({ baseFilters: 2, size: 100 });
    expect(model.layers.filter((l) => l.name.endsWith('_pad')).map((l) => l.name)).toEqual(['up2_pad']);
    model.dispose();
  });

  it('refuses sizes outside 64…512', () => {
    expect(() => unet({ size: 32 })).toThrow(/64…512/);
    expect(() => unet({ size: 513 })).toThrow(/64…512/);
  });
});
