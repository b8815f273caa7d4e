// Validation as it should be done (the reference validated on one fixed batch): every slice of
// every validation patient, predicted batch by batch, giving each patient's volume Dice (binary,
// at the threshold), the mean over patients, and the soft-Dice loss over all pixels.
// Any SegmentationModel (tfjs or ONNX). Pure: no DOM, no IndexedDB. Never keeps more than one batch
// of predictions alive.
import type { SliceSet } from './sliceSet';
import type { SegmentationModel } from './segmentationModel';

export interface PatientDice {
  name: string;
  dice: number;
  slices: number;
}

export interface Evaluation {
  meanDice: number;
  perPatient: PatientDice[];
  /** −(soft Dice over every validation pixel), comparable to the training loss. */
  loss: number;
}

/** Binary Dice from sums; two empty masks agree perfectly (1). */
export function diceFromSums(intersection: number, truth: number, predicted: number): number {
  return truth + predicted === 0 ? 1 : (2 * intersection) / (truth + predicted);
}

export async function evaluate(model: SegmentationModel, set: SliceSet, batchSize: number, threshold = 0.5): Promise<Evaluation> {
  if (model.inputSize !== set.size) throw new RangeError(`evaluate: the model takes ${model.inputSize}², the slices are ${set.size}²`);
  const px = set.size * set.size;
  const inter = new Float64Array(set.patients.length);
  const truth = new Float64Array(set.patients.length);
  const pred = new Float64Array(set.patients.length);
  const slices = new Uint32Array(set.patients.length);
  let softInter = 0;
  let softSum = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    const x = new Float32Array(n * px);
    for (let i = 0; i < n * px; i++) x[i] = set.images[start * px + i];
    const p = await model.predict(x, n);
    for (let k = 0; k < n; k++) {
      const s = start + k;
      const patient = set.patientOf[s];
      slices[patient]++;
      let a = 0;
      let t = 0;
      let q = 0;
      let si = 0;
      let ss = 0;
      for (let i = 0; i < px; i++) {
        const y = set.masks[s * px + i];
        const v = p[k * px + i];
        const b = v >= threshold ? 1 : 0;
        a += y & b;
        t += y;
        q += b;
        si += y * v;
        ss += y + v;
      }
      inter[patient] += a;
      truth[patient] += t;
      pred[patient] += q;
      softInter += si;
      softSum += ss;
    }
  }
  const perPatient = set.patients.map((name, i) => ({ name, dice: diceFromSums(inter[i], truth[i], pred[i]), slices: slices[i] })).filter((d) => d.slices > 0);
  const meanDice = perPatient.length ? perPatient.reduce((a, d) => a + d.dice, 0) / perPatient.length : NaN;
  return { meanDice, perPatient, loss: -(2 * softInter + 1) / (softSum + 1) };
}
