// Which series make which patient, by what the files say. Each CT series is a patient. A mask series
// joins the one CT series whose patient (PatientName) and geometry (rows, columns, pixel spacing,
// slice positions) match it; the folder they came in only settles a tie, or vouches for masks in the
// one patient folder of a CT when their geometry is off (then the organ's problems say how). A mask
// series that matches no CT, or several, is reported naming its files and never attached by guess; in
// a patient folder without any CT it makes a patient that cannot be used (as the folder says). A
// patient is named by its folder when that folder holds only this CT series, else from its headers
// (3D-IRCADb's `liver_17` is `3Dircadb1.17`).
// Pure: no DOM, no Node APIs.
import { buildCtSeries, patientOfCt, patientWithoutCt, type BuiltCt, type CtDraft, type MaskDraft } from './buildPatient';
import { geometryAgrees, identityRelation, patientNameFromHeader, representativeHeader } from './seriesIdentity';
import { naturalCompare } from '../common/paths';
import { error } from '../common/problems';
import type { PatientScan } from './types';
import type { Problem } from '../common/types';

type Choice = { ct: BuiltCt } | { withoutCt: true } | { unmatched: true } | { ambiguous: BuiltCt[] };

/**
 * The drop's patients (sorted naturally by name) and the mask series that joined none. `fallbackNamed`:
 * the caller named the patient of a drop with no patient folder (ScanOptions.fallbackName), so a lone
 * CT series there takes that name rather than its headers'.
 */
export function assemblePatients(cts: CtDraft[], masks: MaskDraft[], fallbackNamed = false): { patients: PatientScan[]; problems: Problem[] } {
  const built = [...cts].sort((a, b) => naturalCompare(a.folder, b.folder)).map(buildCtSeries);
  const joined = new Map<BuiltCt, MaskDraft[]>(built.map((b) => [b, []]));
  const withoutCt = new Map<string, MaskDraft[]>();
  const unpaired: { mask: MaskDraft; choice: Choice }[] = [];
  for (const mask of [...masks].sort((a, b) => naturalCompare(a.folder, b.folder))) {
    const choice = chooseCt(mask, built);
    if ('ct' in choice) joined.get(choice.ct)?.push(mask);
    else if ('withoutCt' in choice) {
      const key = mask.patientFolder || mask.folderName;
      withoutCt.set(key, [...(withoutCt.get(key) ?? []), mask]);
    } else unpaired.push({ mask, choice });
  }

  const names = new PatientNames();
  const named = built.map((b) => ({ built: b, name: names.claim(nameOf(b, built, fallbackNamed)) }));
  const patients = named.map(({ built: b, name }) => patientOfCt(name, b, joined.get(b) ?? []));
  for (const [key, list] of withoutCt) patients.push(patientWithoutCt(names.claim(list[0].folderName), list[0].patientFolder || key, list));
  const nameOfCt = new Map(named.map(({ built: b, name }) => [b, name]));
  const problems = unpaired.map(({ mask, choice }) => unpairedProblem(mask, choice, nameOfCt));
  return { patients: patients.sort((a, b) => naturalCompare(a.name, b.name)), problems };
}

/** The CT series a mask series joins, or why none. */
function chooseCt(mask: MaskDraft, built: BuiltCt[]): Choice {
  const maskHeader = representativeHeader(mask.records.map((r) => r.header));
  const possible = built.filter((b) => identityRelation(ctHeaderOf(b), maskHeader) !== 'conflict');
  const sameFolder = (b: BuiltCt) => mask.patientFolder !== '' && b.draft.patientFolder === mask.patientFolder;
  const sameIdentity = (b: BuiltCt) => identityRelation(ctHeaderOf(b), maskHeader) === 'match';
  const folderHasCt = built.some(sameFolder);
  const withoutCt = !folderHasCt && (mask.patientFolder !== '' || built.length === 0);
  const maskHeaders = mask.records.map((r) => r.header);
  const fitting = maskHeaders.length > 0 ? possible.filter((b) => b.ct.length > 0 && geometryAgrees(b.ct.map((s) => s.header), maskHeaders)) : [];
  // The one CT series of the mask's patient folder takes it unless another CT fits it and this one
  // does not (then the files say the folder is wrong); an unreadable CT still shows its masks.
  const own = only(possible.filter(sameFolder));
  if (own && (fitting.length === 0 || fitting.includes(own) || own.ct.length === 0)) return { ct: own };
  if (fitting.length > 0) {
    const pick = only(fitting) ?? only(fitting.filter(sameIdentity));
    if (pick) return { ct: pick };
    return withoutCt ? { withoutCt: true } : { ambiguous: fitting };
  }
  // No CT fits: the one CT naming the same patient still takes it (its organ series then says what
  // does not fit); otherwise none does.
  const pick = only(possible.filter(sameIdentity));
  if (pick) return { ct: pick };
  return withoutCt ? { withoutCt: true } : { unmatched: true };
}

/** The header that speaks for a CT series (its slices', else its unordered records'). */
function ctHeaderOf(b: BuiltCt) {
  return representativeHeader(b.ct.length > 0 ? b.ct.map((s) => s.header) : b.draft.records.map((r) => r.header));
}

function only<T>(list: T[]): T | null {
  return list.length === 1 ? list[0] : null;
}

/** A patient folder holding this CT series alone names it; else its headers do (else the folder, or the fallback). */
function nameOf(b: BuiltCt, built: BuiltCt[], fallbackNamed: boolean): string {
  const { patientFolder, folderName } = b.draft;
  const alone = (patientFolder !== '' || fallbackNamed) && built.filter((other) => other.draft.patientFolder === patientFolder).length === 1;
  if (alone) return folderName;
  return patientNameFromHeader(ctHeaderOf(b)) ?? folderName;
}

/** Names handed out once each: a second `X` becomes `X (2)`. */
class PatientNames {
  private readonly taken = new Set<string>();
  claim(name: string): string {
    let unique = name;
    for (let n = 2; this.taken.has(unique); n++) unique = `${name} (${n})`;
    this.taken.add(unique);
    return unique;
  }
}

function unpairedProblem(mask: MaskDraft, choice: Choice, nameOfCt: Map<BuiltCt, string>): Problem {
  const file = mask.records[0]?.file ?? mask.folder;
  const header = mask.records[0]?.header;
  const said = [
    `${mask.records.length} ${mask.records.length === 1 ? 'slice' : 'slices'}`,
    header?.patientName ? `PatientName ${header.patientName}` : null,
    header ? `${header.columns}×${header.rows}` : null,
    header?.pixelSpacing ? `${header.pixelSpacing.map((v) => +v.toFixed(3)).join('×')} mm` : null,
  ].filter(Boolean);
  const what = `${mask.organ} masks in ${mask.folder} (${said.join(', ')})`;
  if ('ambiguous' in choice) {
    const names = choice.ambiguous.map((b) => nameOfCt.get(b)).join(', ');
    return error(file, `${what} fit ${choice.ambiguous.length} CT series equally (${names}): not attached to any; drop each patient's files on their own`);
  }
  return error(file, `${what} match no CT series of this drop (same patient, size, spacing and slice positions): not attached`);
}
