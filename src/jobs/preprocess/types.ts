// What the preprocessing jobs report, shared by the whole-patient job (wholePatient.ts), a share of a
// split patient (patientShare.ts), the split coordinator (splitPatient.ts) and their callers (the
// workers' shell, the page's store, the CLI, the benchmarks): where the time went, progress, outcomes.
import type { Problem } from '../../common/types';
import type { CachedPatient } from '../../storage/schema';

/** Where a job spent its time (ms); a split patient's are summed over its shares. */
export interface StepTimes {
  readMs: number;
  windowMs: number;
  claheMs: number;
  storeMs: number;
  hashMs: number;
}

export type ProgressFn = (stage: 'hash' | 'read' | 'process' | 'store' | 'done', fraction: number) => void;

/** One patient preprocessed (or found in the cache); without a cache the pixels come back too. */
export type PreprocessOutcome =
  | { ok: true; meta: CachedPatient; fromCache: boolean; times: StepTimes; pixels?: { images: Uint8Array; masks: Uint8Array } }
  | { ok: false; problem: Problem; times: StepTimes };

/** One share of a split patient stored (its slices, not yet visible); without a cache its pixels come back. */
export type PartOutcome =
  | { ok: true; times: StepTimes; storedBytes: number; pixels?: { images: Uint8Array; masks: Uint8Array } }
  | { ok: false; problem: Problem; times: StepTimes };
