// Splits patients into training and validation, by patient, never by slice: with 3Dircadb1.1–1.20
// present the reference's split (1–17 train, 18–20 validation), otherwise the last ~15% of the
// patients (natural order) for validation, at least one. Also checks a split the user picked.
// Pure: no DOM, no tfjs.

export interface PatientSplit {
  train: string[];
  val: string[];
  /** Why this split: shown next to the patient picker. */
  reason: string;
}

const REFERENCE_VAL = ['18', '19', '20'];

function numberOf(name: string): string | null {
  const m = /^3dircadb1\.(\d+)$/i.exec(name);
  return m ? String(Number(m[1])) : null;
}

export function defaultPatientSplit(names: string[]): PatientSplit {
  const numbers = new Set(names.map(numberOf).filter((n): n is string => n !== null));
  const hasReference = Array.from({ length: 20 }, (_, i) => String(i + 1)).every((n) => numbers.has(n));
  if (hasReference) {
    const val = names.filter((n) => REFERENCE_VAL.includes(numberOf(n) ?? ''));
    return { train: names.filter((n) => !val.includes(n)), val, reason: 'the reference split: 3Dircadb1.1–1.17 train, 1.18–1.20 validate' };
  }
  if (names.length < 2) return { train: [...names], val: [], reason: 'one patient: nothing left to validate on' };
  const count = Math.max(1, Math.round(names.length * 0.15));
  return {
    train: names.slice(0, names.length - count),
    val: names.slice(names.length - count),
    reason: `the last ${count} of ${names.length} patients validate (~15%)`,
  };
}

/** A user's split is usable when both sides are non-empty and no patient is on both. */
export function checkPatientSplit(split: { train: string[]; val: string[] }): string | null {
  const both = split.train.filter((n) => split.val.includes(n));
  if (both.length > 0) return `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} in both training and validation: a patient must be on one side only`;
  if (split.train.length === 0) return 'no training patient: pick at least one';
  if (split.val.length === 0) return 'no validation patient: pick at least one (the Dice shown must come from patients the model never saw)';
  return null;
}

/** A dataset's patients that have ground truth (a scan cached without a mask is never trained or validated on). */
export function patientsWithTruth(dataset: { patientNames: string[]; patientKeys: string[]; withoutTruth?: string[] }): { key: string; name: string }[] {
  const without = new Set(dataset.withoutTruth ?? []);
  return dataset.patientKeys.flatMap((key, i) => (without.has(key) ? [] : [{ key, name: dataset.patientNames[i] }]));
}
