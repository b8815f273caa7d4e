// The seed repeat's numbers as a student reads them: each held-out patient's median and spread.
import { describe, expect, it } from 'vitest';
import { bestEpochDice, consecutiveSeeds, medianAndSpread, parseSeeds, seedSpread } from './seedRepeats';
import type { EpochRecord } from './trainer';

const epoch = (n: number, perPatientDice: Record<string, number>): EpochRecord => ({
  epoch: n, loss: -0.5, dice: 0.5, valLoss: null, valDice: null, perPatientDice, seconds: 1, numTensors: 0,
});

describe('seed repeats', () => {
  it('gives the median and max − min of each held-out patient over the seeds (the issue\'s 0.749 / 0.840 / 0.791)', () => {
    const spread = seedSpread([
      { seed: 1, perPatientDice: { '3Dircadb1.17': 0.749, '3Dircadb1.18': 0.9 } },
      { seed: 2, perPatientDice: { '3Dircadb1.17': 0.84, '3Dircadb1.18': 0.8 } },
      { seed: 3, perPatientDice: { '3Dircadb1.17': 0.791, '3Dircadb1.18': 0.85 } },
    ]);
    expect(spread.map((s) => s.patient)).toEqual(['3Dircadb1.17', '3Dircadb1.18']);
    expect(spread[0].dice).toEqual([0.749, 0.84, 0.791]);
    expect(spread[0].median).toBe(0.791);
    expect(spread[0].spread).toBeCloseTo(0.091, 12);
    expect(spread[1].median).toBe(0.85);
    expect(spread[1].spread).toBeCloseTo(0.1, 12);
  });

  it('takes the mean of the middle two for an even count, and skips a run without the patient', () => {
    const [p] = seedSpread([
      { seed: 1, perPatientDice: { P: 0.2 } },
      { seed: 2, perPatientDice: {} },
      { seed: 3, perPatientDice: { P: 0.6 } },
    ]);
    expect(p.dice).toEqual([0.2, null, 0.6]);
    expect(p.median).toBeCloseTo(0.4, 12);
    expect(p.spread).toBeCloseTo(0.4, 12);
    expect(medianAndSpread([null])).toBeNull();
    expect(medianAndSpread([0.9])).toEqual({ median: 0.9, spread: 0 });
  });

  it('reads seeds as a user types them and says what is wrong otherwise', () => {
    expect(parseSeeds('1,2,3')).toEqual([1, 2, 3]);
    expect(parseSeeds(' 7, 11 ')).toEqual([7, 11]);
    expect(parseSeeds('1,,2')).toMatch(/whole numbers/);
    expect(parseSeeds('1.5')).toMatch(/whole numbers/);
    expect(parseSeeds('2,2')).toMatch(/each seed once/);
    expect(consecutiveSeeds(4, 3)).toEqual([4, 5, 6]);
  });

  it('takes the per-patient Dice of the best epoch, not the last', () => {
    const history = [epoch(1, { P: 0.5 }), epoch(2, { P: 0.8 }), epoch(3, { P: 0.7 })];
    expect(bestEpochDice(history, 2)).toEqual({ P: 0.8 });
    expect(bestEpochDice(history, null)).toEqual({});
  });
});
