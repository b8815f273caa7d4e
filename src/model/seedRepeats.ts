// One recipe trained with several seeds: with one or two training patients the held-out Dice moves
// by 0.1–0.2 with the seed alone, so a recipe is judged by each held-out patient's median over the
// seeds and its spread (max − min), not by one run. Used by `cli train --seeds 1,2,3` and by the
// tab's "repeat with 3 seeds". Pure: numbers in, numbers out.
import type { EpochRecord } from './trainer';

/** One run of the repeat: its seed and each held-out patient's Dice at the run's best epoch. */
export interface SeedResult {
  seed: number;
  perPatientDice: Record<string, number>;
}

export interface PatientSpread {
  patient: string;
  /** In the order of the results given; null where that run has no Dice for the patient. */
  dice: (number | null)[];
  median: number;
  /** max − min over the seeds. */
  spread: number;
}

/** The seeds of a repeat: `base`, `base + 1`, … (`count` of them). */
export function consecutiveSeeds(base: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => base + i);
}

/** "1,2,3" → [1, 2, 3]; a message naming the problem for anything else (repeats, non-integers, empty). */
export function parseSeeds(text: string): number[] | string {
  const parts = text.split(',').map((p) => p.trim());
  const seeds = parts.map(Number);
  if (parts.some((p) => p === '') || seeds.some((s) => !Number.isSafeInteger(s))) return `seeds must be whole numbers separated by commas (e.g. 1,2,3), got "${text}"`;
  if (new Set(seeds).size !== seeds.length) return `each seed once, got "${text}"`;
  return seeds;
}

/** Each held-out patient's Dice at the best epoch (by mean validation Dice), or {} before any. */
export function bestEpochDice(history: EpochRecord[], bestEpoch: number | null): Record<string, number> {
  return history.find((h) => h.epoch === bestEpoch)?.perPatientDice ?? {};
}

/** Per held-out patient (in order of first appearance): the Dice of every seed, their median and spread. */
export function seedSpread(results: SeedResult[]): PatientSpread[] {
  const patients = [...new Set(results.flatMap((r) => Object.keys(r.perPatientDice)))];
  return patients.map((patient) => {
    const dice = results.map((r) => (patient in r.perPatientDice ? r.perPatientDice[patient] : null));
    return { patient, dice, ...medianAndSpread(dice)! };
  });
}

/** Median and max − min of the numbers given (nulls skipped); null when there are none. */
export function medianAndSpread(values: (number | null)[]): { median: number; spread: number } | null {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, spread: sorted[sorted.length - 1] - sorted[0] };
}
