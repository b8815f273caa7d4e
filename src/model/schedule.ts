// The learning rate of each optimisation step: an optional linear warm-up from lr/steps to lr over
// the first epochs, then constant (the reference), a cosine decay to a floor, or a step decay
// (×0.1 at 2/3 of the run). A pure function of the position in the run, so a run resumed from a
// checkpoint continues on the same curve. Pure: no tfjs, no DOM.

export type LearningRateDecay = 'constant' | 'cosine' | 'step';

export const LEARNING_RATE_DECAYS: readonly LearningRateDecay[] = ['constant', 'cosine', 'step'];

export interface LearningRateSchedule {
  /** Epochs of linear warm-up (0: none); fractional values allowed. */
  warmupEpochs: number;
  decay: LearningRateDecay;
  /** Where cosine ends, as a fraction of the peak learning rate. */
  minFraction: number;
}

/** The reference's: a constant rate from the first step. */
export const CONSTANT_SCHEDULE: Readonly<LearningRateSchedule> = Object.freeze({ warmupEpochs: 0, decay: 'constant', minFraction: 0 });

/** The step decay's factor and where it applies, as a fraction of the run's steps. */
const STEP_FACTOR = 0.1;
const STEP_AT = 2 / 3;

/**
 * Learning rate for step `step` (0-based, counted over the whole run) of a run of `totalSteps`
 * steps, `stepsPerEpoch` to an epoch, peaking at `peak`.
 */
export function learningRateAt(schedule: LearningRateSchedule, peak: number, step: number, stepsPerEpoch: number, totalSteps: number): number {
  const warmupSteps = Math.round(schedule.warmupEpochs * stepsPerEpoch);
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const t = Math.min(1, (step - warmupSteps) / decaySteps);
  if (schedule.decay === 'cosine') {
    const floor = peak * schedule.minFraction;
    return floor + ((peak - floor) * (1 + Math.cos(Math.PI * t))) / 2;
  }
  if (schedule.decay === 'step') return t >= STEP_AT ? peak * STEP_FACTOR : peak;
  return peak;
}

/** Null when the schedule can be used, else what is wrong with it. */
export function checkSchedule(s: LearningRateSchedule): string | null {
  if (!(s.warmupEpochs >= 0)) return 'warm-up must be 0 or more epochs';
  if (!LEARNING_RATE_DECAYS.includes(s.decay)) return `learning-rate decay must be ${LEARNING_RATE_DECAYS.join(', ')}`;
  if (!(s.minFraction >= 0 && s.minFraction <= 1)) return 'the cosine floor must be a fraction from 0 to 1';
  return null;
}
