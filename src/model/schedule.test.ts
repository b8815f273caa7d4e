// The learning-rate schedule: the warm-up climbs linearly to the peak, cosine falls from the peak
// to its floor at the last step, step decay drops ×0.1 at 2/3, constant stays at the peak.
import { describe, expect, it } from 'vitest';
import { CONSTANT_SCHEDULE, checkSchedule, learningRateAt, type LearningRateSchedule } from './schedule';

const perEpoch = 10;
const total = 100;

describe('learningRateAt', () => {
  it('is the peak at every step when constant (the reference)', () => {
    for (const step of [0, 5, 50, 99]) expect(learningRateAt(CONSTANT_SCHEDULE, 1e-3, step, perEpoch, total)).toBe(1e-3);
  });

  it('warms up linearly over the given epochs, then follows the decay', () => {
    const s: LearningRateSchedule = { warmupEpochs: 2, decay: 'constant', minFraction: 0 };
    expect(learningRateAt(s, 1e-3, 0, perEpoch, total)).toBeCloseTo(1e-3 / 20, 12);
    expect(learningRateAt(s, 1e-3, 9, perEpoch, total)).toBeCloseTo(1e-3 / 2, 12);
    expect(learningRateAt(s, 1e-3, 19, perEpoch, total)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(s, 1e-3, 20, perEpoch, total)).toBe(1e-3);
  });

  it('decays along a half cosine from the peak after the warm-up to the floor at the end', () => {
    const s: LearningRateSchedule = { warmupEpochs: 1, decay: 'cosine', minFraction: 0.1 };
    expect(learningRateAt(s, 1, 10, perEpoch, total)).toBeCloseTo(1, 12);
    // halfway through the 90 decay steps: floor + (peak − floor)/2
    expect(learningRateAt(s, 1, 55, perEpoch, total)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(s, 1, 99, perEpoch, total)).toBeCloseTo(0.1 + 0.9 * (1 + Math.cos(Math.PI * 89 / 90)) / 2, 12);
    const rates = Array.from({ length: 90 }, (_, i) => learningRateAt(s, 1, 10 + i, perEpoch, total));
    rates.slice(1).forEach((r, i) => expect(r).toBeLessThan(rates[i]));
  });

  it('drops ×0.1 at two thirds of the run for step decay', () => {
    const s: LearningRateSchedule = { warmupEpochs: 0, decay: 'step', minFraction: 0 };
    expect(learningRateAt(s, 1, 66, perEpoch, total)).toBe(1);
    expect(learningRateAt(s, 1, 67, perEpoch, total)).toBeCloseTo(0.1, 12);
  });

  it('checks what a user typed', () => {
    expect(checkSchedule({ warmupEpochs: 1, decay: 'cosine', minFraction: 0 })).toBeNull();
    expect(checkSchedule({ warmupEpochs: -1, decay: 'cosine', minFraction: 0 })).toMatch(/warm-up/);
    expect(checkSchedule({ warmupEpochs: 0, decay: 'linear' as never, minFraction: 0 })).toMatch(/constant, cosine, step/);
    expect(checkSchedule({ warmupEpochs: 0, decay: 'cosine', minFraction: 2 })).toMatch(/floor/);
  });
});
