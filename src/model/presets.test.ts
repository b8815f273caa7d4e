// The presets: Reference stays the reference's settings (−Dice, constant rate, its augmentation
// ranges, no averaging); Laptop is the measured recipe (laptop-recipe.md beside it) and passes the
// settings check, which refuses a wrong loss, schedule or average.
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUGMENT_RANGES } from '../pipeline/augment';
import { PRESETS, checkTrainerSettings } from './presets';

describe('PRESETS', () => {
  it('keeps the reference\'s settings in Reference', () => {
    const r = PRESETS.reference.settings;
    expect(r).toMatchObject({ baseFilters: 32, size: 512, batchSize: 8, learningRate: 1e-5, epochs: 500 });
    expect(r.augment.ranges).toEqual(DEFAULT_AUGMENT_RANGES);
    expect([r.loss, r.schedule, r.weightAverage]).toEqual([undefined, undefined, undefined]);
  });

  it('gives Laptop the measured recipe, which the settings check accepts', () => {
    const l = PRESETS.laptop.settings;
    expect(l).toMatchObject({ baseFilters: 8, size: 128, batchSize: 8, epochs: 24, loss: 'dicebce', weightAverage: 0.95, schedule: { warmupEpochs: 1, decay: 'cosine' } });
    expect(checkTrainerSettings(l)).toBeNull();
    expect(checkTrainerSettings(PRESETS.reference.settings)).toBeNull();
  });

  it('refuses a wrong loss, schedule or average', () => {
    const l = PRESETS.laptop.settings;
    expect(checkTrainerSettings({ ...l, loss: 'focal' as never })).toMatch(/loss must be dice or dicebce/);
    expect(checkTrainerSettings({ ...l, schedule: { warmupEpochs: -1, decay: 'cosine', minFraction: 0 } })).toMatch(/warm-up/);
    expect(checkTrainerSettings({ ...l, weightAverage: 1 })).toMatch(/weight-average decay/);
    const ranges = (patch: object) => ({ ...l, augment: { ...l.augment, ranges: { ...l.augment.ranges, ...patch } } });
    expect(checkTrainerSettings(ranges({ zoomRange: 1 }))).toMatch(/zoom must be below 1/);
    expect(checkTrainerSettings(ranges({ brightnessRange: 1.2 }))).toMatch(/brightness must be below 1/);
    expect(checkTrainerSettings(ranges({ channelShiftRange: -3 }))).toMatch(/channelShiftRange must be a number, 0 or more/);
    expect(checkTrainerSettings(ranges({ rotationRange: Number.NaN }))).toMatch(/rotationRange must be a number/);
  });
});
