// A training run's history as CSV, one row per epoch: training loss and soft Dice, validation loss
// and volume Dice, each validation patient's Dice, the epoch's duration and tensor count — what a
// notebook or a spreadsheet needs to redraw the curves. Pure: records in, text out.
import type { EpochRecord } from '../model/trainer';

const cell = (v: number | null | undefined, digits: number) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));

function csvText(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function trainingHistoryCsv(history: readonly EpochRecord[]): string {
  const patients = [...new Set(history.flatMap((h) => Object.keys(h.perPatientDice)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const header = ['epoch', 'loss', 'train_dice', 'val_loss', 'val_dice', ...patients.map((p) => csvText(`val_dice ${p}`)), 'seconds', 'tensors'];
  const rows = history.map((h) =>
    [String(h.epoch), cell(h.loss, 6), cell(h.dice, 6), cell(h.valLoss, 6), cell(h.valDice, 6), ...patients.map((p) => cell(h.perPatientDice[p], 6)), cell(h.seconds, 3), String(h.numTensors)].join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

/** A file name for a run's history: its name made safe, then `-history.csv`. */
export function historyFileName(runName: string): string {
  return `${runName.replace(/[^\w.-]+/g, '_').replace(/_+/g, '_').slice(0, 60) || 'liverlab-run'}-history.csv`;
}
