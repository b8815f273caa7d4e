// A run's history as a CSV a spreadsheet reads back: one row per epoch, a column per validation patient.
import { describe, expect, it } from 'vitest';
import { historyFileName, trainingHistoryCsv } from './trainingHistory';
import type { EpochRecord } from '../model/trainer';

const epoch = (n: number, valDice: number | null, perPatientDice: Record<string, number>): EpochRecord => ({
  epoch: n, loss: -0.5 - n / 10, dice: 0.5 + n / 10, valLoss: valDice === null ? null : -valDice, valDice, perPatientDice, seconds: 12.3456, numTensors: 140,
});

describe('trainingHistoryCsv', () => {
  it('writes one row per epoch with each validation patient in its own column', () => {
    const csv = trainingHistoryCsv([epoch(1, 0.25, { '3Dircadb1.17': 0.25, '3Dircadb1.2': 0.5 }), epoch(2, null, {})]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('epoch,loss,train_dice,val_loss,val_dice,val_dice 3Dircadb1.2,val_dice 3Dircadb1.17,seconds,tensors');
    expect(lines[1]).toBe('1,-0.600000,0.600000,-0.250000,0.250000,0.500000,0.250000,12.346,140');
    expect(lines[2]).toBe('2,-0.700000,0.700000,,,,,12.346,140');
    expect(lines).toHaveLength(3);
  });

  it('quotes a patient name that holds a comma, and names the file after the run', () => {
    expect(trainingHistoryCsv([epoch(1, 0.5, { 'a,b': 0.5 })]).split('\n')[0]).toContain('"val_dice a,b"');
    expect(historyFileName('3Dircadb1.1 … 3Dircadb1.17 (2 patients) · Laptop')).toBe('3Dircadb1.1_3Dircadb1.17_2_patients_Laptop-history.csv');
  });
});
