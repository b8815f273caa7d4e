// From series drafts to a patient: the CT series ordered (assembleSeries) with what is wrong with it,
// and each organ's masks paired slice by slice with the CT (InstanceNumber), with their own problems.
// Which masks belong to which CT is decided before (assemblePatients.ts); this only builds and checks.
// Pure: no DOM, no Node APIs.
import { assembleSeries, dropOddGeometry, seriesSpacing, type HeaderRecord, type Numbered } from './assembleSeries';
import { naturalCompare } from '../common/paths';
import { canDecode } from '../dicom/codecs/index';
import { collapseRepeats, error, listSome, warning } from '../common/problems';
import { TRANSFER_SYNTAXES, describeTransferSyntax, isCompressed, type TransferSyntax } from '../dicom/transferSyntax';
import type { MaskSliceRef, OrganSeries, PatientScan } from './types';
import type { Problem } from '../common/types';

export interface MaskRecord extends HeaderRecord {
  nonEmpty: boolean | null;
  /** Runs of pixels > 0 (MaskSliceRef.foreground), when the pixels were read. */
  foreground?: Uint32Array;
  /** A few distinct pixel values other than 0 and 255 (the 3D-IRCADb convention), if any. */
  oddValues: number[];
}

/** One series folder of a drop as the scan found it: a CT series, or one organ's masks. */
export interface SeriesDraft<R extends HeaderRecord> {
  /** The series folder (`…/PATIENT_DICOM`, `…/MASKS_DICOM/liver`). */
  folder: string;
  /** The folder that holds it as a patient's (`…/3Dircadb1.17`), or '' when no folder names a patient. */
  patientFolder: string;
  /** The patient the layout names: that folder's name, or the caller's fallback. */
  folderName: string;
  records: R[];
  /** Its files that could not be read. */
  problems: Problem[];
  bytes: number;
  /** Set for a NIfTI volume (one file holds every slice); absent for DICOM. */
  format?: 'nifti';
}

export type CtDraft = SeriesDraft<HeaderRecord>;
export interface MaskDraft extends SeriesDraft<MaskRecord> {
  organ: string;
}

/** A CT draft ordered into its series, with what ordering it said. */
export interface BuiltCt {
  draft: CtDraft;
  ct: Numbered<HeaderRecord>[];
  seriesProblems: Problem[];
  spacing: [number, number, number] | null;
  compressed: TransferSyntax | null;
  /** Too many slices oriented or spaced unlike the rest: not one volume (dropOddGeometry). */
  mixed: boolean;
}

/** Orders a CT draft's slices (assembleSeries) and checks the series: spacing, gaps, size, bit depth, modality. */
export function buildCtSeries(draft: CtDraft): BuiltCt {
  const folder = draft.folder;
  const problems: Problem[] = [];
  const { kept: ct, mixed } = dropOddGeometry(assembleSeries(draft.records, 'PATIENT_DICOM', folder, problems), 'PATIENT_DICOM', problems);
  const first = ct[0]?.header;
  const compressed = compressedSyntaxOf(first?.transferSyntaxUid, draft.problems);
  const spacing = first?.pixelSpacing ? seriesSpacing(ct, first.pixelSpacing, folder, problems) : null;
  if (first && !first.pixelSpacing) problems.push(warning(folder, 'no PixelSpacing: sizes in mm are unknown'));
  const gaps = instanceGaps(ct.map((slice) => slice.instanceNumber));
  if (gaps) problems.push(warning(folder, `PATIENT_DICOM: ${gaps}`));
  if (ct.length === 1) {
    problems.push(warning(folder, 'PATIENT_DICOM holds a single slice: too few for a volume; preprocessing drops a margin of slices at each end of the organ'));
  }
  if (first?.bitsAllocated === 8) {
    problems.push(
      warning(folder, 'CT has 8-bit pixels (BitsAllocated 8), not the usual 16: probably not Hounsfield units (a screenshot export?); the HU window may show little'),
    );
  }
  if (first?.modality && first.modality !== 'CT') problems.push(warning(folder, `modality is ${first.modality}, not CT: Hounsfield windows may not apply`));
  return { draft, ct, seriesProblems: problems, spacing, compressed, mixed };
}

/** A patient from its CT series and the mask drafts that joined it (several drafts of one organ are one series). */
export function patientOfCt(name: string, built: BuiltCt, masks: MaskDraft[]): PatientScan {
  const { draft, ct, spacing, compressed, mixed } = built;
  const seriesProblems = [...built.seriesProblems];
  const ctIndexOf = new Map(ct.map((slice, index) => [slice.instanceNumber, index]));
  const organs = byOrgan(masks).map(([organ, drafts]) =>
    buildOrganSeries(organ, drafts[0].folder, drafts.flatMap((d) => d.records), ct, ctIndexOf, seriesProblems),
  );
  const first = ct[0]?.header;
  return {
    name,
    ct: ct.map(({ file, instanceNumber, header }) => ({ file, instanceNumber, rows: header.rows, columns: header.columns })),
    rows: first?.rows ?? 0,
    columns: first?.columns ?? 0,
    spacing,
    transferSyntaxUid: first?.transferSyntaxUid ?? compressed?.uid ?? null,
    modality: first?.modality ?? null,
    organs,
    bytes: draft.bytes + masks.reduce((sum, m) => sum + m.bytes, 0),
    // Why the patient cannot be used first, then the files that failed, then what that did to the series.
    problems: [...ctVerdict(draft, ct.length, compressed), ...collapseRepeats([...draft.problems, ...masks.flatMap((m) => m.problems)]), ...seriesProblems],
    usable: ct.length > 0 && !compressed && !mixed,
    ...(draft.format ? { format: draft.format } : {}),
  };
}

/** A patient folder with masks and no CT series: listed (its organs shown), never usable. */
export function patientWithoutCt(name: string, patientFolder: string, masks: MaskDraft[]): PatientScan {
  const problems: Problem[] = [];
  const organs = byOrgan(masks).map(([organ, drafts]) => buildOrganSeries(organ, drafts[0].folder, drafts.flatMap((d) => d.records), [], new Map(), problems));
  return {
    name,
    ct: [],
    rows: 0,
    columns: 0,
    spacing: null,
    transferSyntaxUid: null,
    modality: null,
    organs,
    bytes: masks.reduce((sum, m) => sum + m.bytes, 0),
    problems: [error(patientFolder || name, 'no PATIENT_DICOM series: this patient cannot be used'), ...collapseRepeats(masks.flatMap((m) => m.problems)), ...problems],
    usable: false,
  };
}

function byOrgan(masks: MaskDraft[]): [string, MaskDraft[]][] {
  const organs = new Map<string, MaskDraft[]>();
  for (const mask of masks) organs.set(mask.organ, [...(organs.get(mask.organ) ?? []), mask]);
  return [...organs.entries()].sort(([a], [b]) => naturalCompare(a, b));
}

/** The error that makes a patient unusable, if any: an empty CT folder, a compressed or unreadable CT. */
function ctVerdict(draft: CtDraft, readable: number, compressed: TransferSyntax | null): Problem[] {
  if (draft.records.length === 0 && draft.problems.length === 0) return [error(draft.folder, 'PATIENT_DICOM folder is empty')];
  if (compressed) {
    const named = describeTransferSyntax(compressed.uid);
    return [error(draft.folder, `CT uses compressed transfer syntax ${named}, which LiverLab cannot decode (it decodes JPEG lossless, JPEG-LS, JPEG 2000 and RLE)`)];
  }
  if (readable === 0) return [error(draft.folder, `no readable CT slice (${draft.problems.length} unreadable files)`)];
  return [];
}

function buildOrganSeries(
  organ: string,
  folder: string,
  records: MaskRecord[],
  ct: Numbered<HeaderRecord>[],
  ctIndexOf: Map<number, number>,
  problems: Problem[],
): OrganSeries {
  const masks = assembleSeries(records, organ, folder, problems, false);
  const slices: MaskSliceRef[] = masks.map(({ file, instanceNumber, header, nonEmpty, foreground }) => ({
    file,
    instanceNumber,
    rows: header.rows,
    columns: header.columns,
    nonEmpty,
    ...(foreground ? { foreground } : {}),
  }));
  if (records.length === 0) {
    problems.push(warning(folder, `${organ}: organ folder is empty`));
    return { organ, slices, nonEmptyRange: null };
  }
  if (ct.length === 0) return { organ, slices, nonEmptyRange: null };

  if (masks.length !== ct.length) {
    const maskNumbers = new Set(masks.map((mask) => mask.instanceNumber));
    const missing = ct.filter((slice) => !maskNumbers.has(slice.instanceNumber)).map((slice) => slice.instanceNumber);
    const detail = missing.length > 0 ? ` (no mask for InstanceNumber ${listSome(missing)})` : '';
    problems.push(warning(folder, `${organ}: ${masks.length} mask slices for ${ct.length} CT slices${detail}`));
  }
  const { rows, columns } = ct[0].header;
  const wrongSize = masks.filter((mask) => mask.header.rows !== rows || mask.header.columns !== columns);
  if (wrongSize.length > 0) {
    const { header, file } = wrongSize[0];
    problems.push(
      error(
        file,
        `${organ}: mask is ${header.rows}×${header.columns} but the CT is ${rows}×${columns} ` +
          `(${wrongSize.length} of ${masks.length} slices); those slices are ignored`,
      ),
    );
  }
  const odd = masks.filter((mask) => mask.oddValues.length > 0);
  if (odd.length > 0) {
    const values = [...new Set(odd.flatMap((mask) => mask.oddValues))].sort((a, b) => a - b);
    problems.push(
      warning(
        odd[0].file,
        `${organ}: mask values other than 0 and 255 (${listSome(values)}) in ${odd.length} of ${masks.length} slices; ` +
          `every non-zero value is taken as ${organ}`,
      ),
    );
  }
  const orphans = masks.filter((mask) => !ctIndexOf.has(mask.instanceNumber));
  if (orphans.length > 0) {
    problems.push(
      warning(
        orphans[0].file,
        `${organ}: ${orphans.length} mask slice(s) have no CT slice with the same InstanceNumber ` +
          `(${listSome(orphans.map((mask) => mask.instanceNumber))}); ignored`,
      ),
    );
  }
  let range: [number, number] | null = null;
  for (const mask of masks) {
    const index = ctIndexOf.get(mask.instanceNumber);
    if (index === undefined || !mask.nonEmpty || mask.header.rows !== rows || mask.header.columns !== columns) continue;
    range = range ? [Math.min(range[0], index), Math.max(range[1], index)] : [index, index];
  }
  if (records.every((record) => record.nonEmpty === null)) return { organ, slices, nonEmptyRange: null, unchecked: true };
  return { organ, slices, nonEmptyRange: range };
}

/** The compressed syntax of the CT: from a readable header, or named by the reader's refusals. */
function compressedSyntaxOf(uid: string | undefined, refusals: Problem[]): TransferSyntax | null {
  if (uid !== undefined) return isCompressed(uid) && !canDecode(uid) ? (TRANSFER_SYNTAXES.find((syntax) => syntax.uid === uid.trim()) ?? null) : null;
  const compressed = TRANSFER_SYNTAXES.filter((syntax) => syntax.compressed);
  for (const refusal of refusals) {
    const named = compressed.find((syntax) => refusal.message.includes(describeTransferSyntax(syntax.uid)));
    if (named) return named;
  }
  return null;
}

/** `InstanceNumber jumps …` for a series whose numbers are not consecutive, else null. */
function instanceGaps(numbers: number[]): string | null {
  const gaps: string[] = [];
  let missing = 0;
  for (let i = 1; i < numbers.length; i++) {
    const skipped = numbers[i] - numbers[i - 1] - 1;
    if (skipped <= 0) continue;
    missing += skipped;
    gaps.push(skipped === 1 ? `${numbers[i - 1] + 1}` : `${numbers[i - 1] + 1}–${numbers[i] - 1}`);
  }
  if (gaps.length === 0) return null;
  const listed = gaps.length <= 5 ? gaps.join(', ') : `${gaps.slice(0, 5).join(', ')}, … ${gaps.length - 5} more gaps`;
  return `InstanceNumber ${listed} missing (${missing} ${missing === 1 ? 'slice' : 'slices'}): the series has gaps`;
}
