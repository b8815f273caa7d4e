// Picks validation patients from a `--val` list: full names (3Dircadb1.18) or the patient's number
// after the last dot (18). Patients are split by patient, never by slice. Pure.

export type Selection = { ok: true; train: string[]; val: string[] } | { ok: false; message: string };

export function matchPatients(names: string[], valList: string | undefined): Selection {
  if (names.length === 0) return { ok: false, message: 'no usable patient found (expected DICOM series or NIfTI volumes, e.g. 3Dircadb1.N/PATIENT_DICOM and MASKS_DICOM as folders or zips)' };
  const wanted = (valList ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const val: string[] = [];
  for (const w of wanted) {
    const hit = names.find((n) => n === w) ?? names.find((n) => n.slice(n.lastIndexOf('.') + 1) === w);
    if (!hit) return { ok: false, message: `--val: no patient ${w} among ${names.join(', ')}` };
    if (!val.includes(hit)) val.push(hit);
  }
  return { ok: true, train: names.filter((n) => !val.includes(n)), val };
}
