// One patient's scorecard, as the viewer's metrics panel, the results table and the CLI print it:
// volume Dice, IoU, Hausdorff 95 (mm) and the predicted and true volumes (mL). Pure. Without
// ground truth the overlap metrics are null and `reason` says why; never invents a number.
import { diceCoefficient } from './diceCoefficient';
import { hausdorff95 } from './hausdorff95';
import { iou } from './iou';
import { volumeMl, type Spacing } from './volumeMl';

export interface PatientMetrics {
  dice: number | null;
  iou: number | null;
  hausdorff95Mm: number | null;
  predictedMl: number;
  trueMl: number | null;
  /** Why overlap metrics are missing (no ground truth, an empty mask), or null. */
  reason: string | null;
}

export function patientMetrics(prediction: Uint8Array, truth: Uint8Array | null, w: number, h: number, d: number, spacing: Spacing): PatientMetrics {
  const predictedMl = volumeMl(prediction, spacing);
  if (!truth) return { dice: null, iou: null, hausdorff95Mm: null, predictedMl, trueMl: null, reason: 'no ground truth for this patient' };
  const hd = hausdorff95(prediction, truth, w, h, d, spacing);
  const trueMl = volumeMl(truth, spacing);
  const reason = hd !== null ? null : predictedMl === 0 && trueMl === 0 ? 'both masks are empty' : predictedMl === 0 ? 'the prediction is empty' : 'the ground truth is empty';
  return { dice: diceCoefficient(prediction, truth), iou: iou(prediction, truth), hausdorff95Mm: hd, predictedMl, trueMl, reason };
}
