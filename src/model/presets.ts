// Training presets: the reference's settings (what the Keras tutorial ran on a GPU) and one that a
// laptop CPU finishes in minutes. Editable after choosing; pure data.
import { FACTOR_RANGES } from '../pipeline/augment';
import { DEFAULT_AUGMENT } from './batches';
import { LOSS_NAMES } from './losses';
import { checkSchedule } from './schedule';
import type { TrainerSettings } from './trainer';

export type PresetName = 'reference' | 'laptop';

export const PRESETS: Record<PresetName, { label: string; note: string; settings: TrainerSettings }> = {
  reference: {
    label: 'Reference',
    note: 'base 32, 512², batch 8, lr 1e-5, 500 epochs: the tutorial\'s run; days on a CPU',
    settings: { baseFilters: 32, size: 512, batchSize: 8, learningRate: 1e-5, epochs: 500, seed: 1, augment: { ...DEFAULT_AUGMENT, ranges: { ...DEFAULT_AUGMENT.ranges } }, threshold: 0.5 },
  },
  laptop: {
    label: 'Laptop',
    note: 'base 8, 128², batch 8, lr 1e-3 (1 epoch warm-up, cosine decay), −Dice + BCE, stronger augmentation with brightness and intensity shifts, averaged weights, 24 epochs: minutes on a laptop',
    // Measured on 3Dircadb1.1 and 3Dircadb1.17, one trained and the other held out, three seeds each
    // way (src/model/laptop-recipe.md): the reference's tiny augmentation ranges let a one-patient model
    // learn where that patient's liver is; ranges a few times larger, the weights' moving average and
    // a cosine decay made the held-out Dice rise smoothly instead of swinging from epoch to epoch;
    // 24 epochs rather than 20 lifted the medians; brightness and intensity shifts keep a model trained
    // on one patient sure of another's liver (without them one seed in three under-segmented it).
    settings: {
      baseFilters: 8, size: 128, batchSize: 8, learningRate: 1e-3, epochs: 24, seed: 1,
      augment: {
        ...DEFAULT_AUGMENT,
        ranges: { rotationRange: 15, widthShiftRange: 0.1, heightShiftRange: 0.1, shearRange: 5, zoomRange: 0.2, brightnessRange: 0.2, channelShiftRange: 20 },
      },
      threshold: 0.5,
      loss: 'dicebce',
      schedule: { warmupEpochs: 1, decay: 'cosine', minFraction: 0 },
      weightAverage: 0.95,
    },
  },
};

/** Checks settings a user typed; null when they can train. */
export function checkTrainerSettings(s: TrainerSettings): string | null {
  if (!Number.isInteger(s.baseFilters) || s.baseFilters < 4 || s.baseFilters > 32) return 'base filters must be a whole number from 4 to 32';
  if (!Number.isInteger(s.size) || s.size < 64 || s.size > 512) return 'input size must be a whole number from 64 to 512';
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 64) return 'batch size must be from 1 to 64';
  if (!(s.learningRate > 0 && s.learningRate < 1)) return 'learning rate must be between 0 and 1';
  if (!Number.isInteger(s.epochs) || s.epochs < 1) return 'epochs must be at least 1';
  if (!(s.threshold > 0 && s.threshold < 1)) return 'threshold must be between 0 and 1';
  if (!Number.isSafeInteger(s.seed) || s.seed < 0) return 'seed must be a whole number, 0 or more';
  if (s.loss !== undefined && !LOSS_NAMES.includes(s.loss)) return `loss must be ${LOSS_NAMES.join(' or ')}`;
  if (s.weightAverage !== undefined && !(s.weightAverage >= 0 && s.weightAverage < 1)) return 'weight-average decay must be from 0 to below 1';
  const ranges = checkAugmentRanges(s.augment.ranges);
  if (ranges) return ranges;
  if (s.schedule !== undefined) return checkSchedule(s.schedule);
  return null;
}

/** Augmentation ranges: numbers, 0 or more; zoom and brightness below 1 (their factors run from 1 − r to 1 + r). */
function checkAugmentRanges(r: TrainerSettings['augment']['ranges']): string | null {
  for (const [name, value] of Object.entries(r)) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) return `augmentation ${name} must be a number, 0 or more`;
  }
  const factor = FACTOR_RANGES.find((k) => (r[k] ?? 0) >= 1);
  return factor ? `augmentation ${factor.replace('Range', '')} must be below 1` : null;
}
