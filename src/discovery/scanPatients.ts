// Scanning: turns a drop (files, folders, zips of zips) into the patients it holds — each CT series
// sorted by InstanceNumber, its organ masks paired to the CT slices, and every problem found on the way.
// Reads CT headers only, and mask pixels only long enough to know whether a slice is empty: it never
// keeps pixels. It never throws across a drop: a bad file is a Problem, the rest still loads.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { walkDrop, type DropEvent, type DropSources, type ZipCaps } from './walkDrop';
import { assembleSeries, seriesSpacing, type HeaderRecord, type Numbered } from './assembleSeries';
import { DEFAULT_PATIENT_NAME, classifyFolder, classifyPath, classifyZip, isIgnoredPath } from './layout';
import { naturalCompare, normalisePath } from '../common/paths';
import { canDecode } from '../dicom/codecs/index';
import { readHeader, readHeaderPrefix, readSliceAsync } from '../dicom/parse';
import { collapseRepeats, error, listSome, warning } from '../common/problems';
import { foregroundRuns } from '../common/maskRuns';
import { TRANSFER_SYNTAXES, describeTransferSyntax, isCompressed, type TransferSyntax } from '../dicom/transferSyntax';
import type { MaskSliceRef, OrganSeries, PatientScan } from './types';
import type { PixelArray, Problem } from '../common/types';

export interface ScanOptions {
  /** Bytes of the dropped files read so far, out of their total when the drop is a list. */
  onProgress?(done: number, total?: number): void;
  /** Patient name for a drop of bare `PATIENT_DICOM/` + `MASKS_DICOM/` folders (e.g. the zip's or drop's name). */
  fallbackName?: string;
  /** Folders of the drop that hold no file (a file list cannot show them), e.g. `3Dircadb1.17/MASKS_DICOM/liver`. */
  emptyFolders?: string[];
  zipCaps?: ZipCaps;
  /**
   * Organs whose mask pixels are read (to find their non-empty range); the other organs' masks and every
   * CT slice are read only as far as their header. Default: every organ. Only for a drop given as a list.
   */
  checkOrgans?: readonly string[];
}

export interface ScanResult {
  /** Sorted naturally by name. */
  patients: PatientScan[];
  /** Problems that belong to no patient (unknown files, unreadable zips). */
  problems: Problem[];
}

interface MaskRecord extends HeaderRecord {
  nonEmpty: boolean | null;
  /** Runs of pixels > 0 (MaskSliceRef.foreground), when the pixels were read. */
  foreground?: Uint32Array;
  /** A few distinct pixel values other than 0 and 255 (the 3D-IRCADb convention), if any. */
  oddValues: number[];
}

interface PatientDraft {
  name: string;
  patientFolder: string;
  ctFolder: string | null;
  ctFolderSeen: boolean;
  ct: HeaderRecord[];
  unreadableCt: Problem[];
  organs: Map<string, { folder: string; masks: MaskRecord[] }>;
  fileProblems: Problem[];
  bytes: number;
}

/** Goes through every file of the drop (expanding zips) and builds one PatientScan per patient found. */
export async function scanPatients(sources: DropSources, opts: ScanOptions = {}): Promise<ScanResult> {
  const fallbackName = opts.fallbackName ?? DEFAULT_PATIENT_NAME;
  const drafts = new Map<string, PatientDraft>();
  const problems: Problem[] = [];
  const draftOf = (patient: string, patientFolder: string): PatientDraft => {
    let draft = drafts.get(patient);
    if (!draft) {
      draft = {
        name: patient,
        patientFolder,
        ctFolder: null,
        ctFolderSeen: false,
        ct: [],
        unreadableCt: [],
        organs: new Map(),
        fileProblems: [],
        bytes: 0,
      };
      drafts.set(patient, draft);
    }
    return draft;
  };
  const organOf = (draft: PatientDraft, organ: string, folder: string) => {
    let series = draft.organs.get(organ);
    if (!series) draft.organs.set(organ, (series = { folder, masks: [] }));
    return series;
  };
  const noteFolder = (path: string): void => {
    const folder = classifyFolder(path, fallbackName);
    if (!folder) return;
    const segments = normalisePath(path);
    const draft = draftOf(folder.patient, patientFolderOf(segments, folder.kind));
    if (folder.kind === 'ct') {
      draft.ctFolderSeen = true;
      draft.ctFolder ??= segments;
    } else {
      organOf(draft, folder.organ, segments);
    }
  };

  for (const folder of opts.emptyFolders ?? []) noteFolder(folder);

  // Headers only where pixels are not needed; a header longer than the part read is read again, whole.
  const checked = opts.checkOrgans && Array.isArray(sources) ? new Set(opts.checkOrgans) : null;
  const headOnly = (path: string): boolean => {
    if (!checked) return false;
    const role = classifyPath(path, fallbackName);
    return role !== null && (role.kind === 'ct' || !checked.has(role.organ));
  };
  const readAgain = new Set<string>();
  const take = async (event: DropEvent): Promise<void> => {
    if ('folder' in event) {
      noteFolder(event.folder);
      return;
    }
    if ('problem' in event) {
      const role = event.path === undefined ? null : classifyPath(event.path, fallbackName);
      if (!role) {
        problems.push(event.problem);
        return;
      }
      const draft = draftOf(role.patient, role.patientFolder);
      if (role.kind === 'ct') {
        draft.ctFolderSeen = true;
        draft.ctFolder ??= role.seriesFolder;
        draft.unreadableCt.push(event.problem);
      } else {
        draft.fileProblems.push(event.problem);
      }
      return;
    }
    const { path, bytes, size } = event;
    const role = classifyPath(path, fallbackName);
    if (!role) {
      if (!isIgnoredPath(path)) problems.push(warning(path, NOT_IN_LAYOUT));
      return;
    }
    const partialHeader = size === undefined ? undefined : readHeaderPrefix(bytes, size, path);
    if (partialHeader === null) {
      readAgain.add(path);
      return;
    }
    const draft = draftOf(role.patient, role.patientFolder);
    draft.bytes += size ?? bytes.length;
    if (role.kind === 'ct') {
      draft.ctFolderSeen = true;
      draft.ctFolder ??= role.seriesFolder;
      const header = partialHeader ?? readHeader(bytes, path);
      if (header.ok) draft.ct.push({ file: path, header: header.value });
      else draft.unreadableCt.push(header.problem);
    } else if (partialHeader) {
      const organ = organOf(draft, role.organ, role.seriesFolder);
      if (partialHeader.ok) organ.masks.push({ file: path, header: partialHeader.value, nonEmpty: null, oddValues: [] });
      else draft.fileProblems.push(partialHeader.problem);
    } else {
      const organ = organOf(draft, role.organ, role.seriesFolder);
      // Pixels only looked at here, never kept: a view into the entry's bytes will do.
      const slice = await readSliceAsync(bytes, path, { view: true });
      if (!slice.ok) {
        draft.fileProblems.push(slice.problem);
        return;
      }
      const { pixels, ...header } = slice.value;
      organ.masks.push({ file: path, header, ...maskValues(pixels), foreground: foregroundRuns(pixels) });
    }
  };
  const wantsZip = (path: string) => classifyZip(path, fallbackName).kind !== 'unused';
  // Every entry is done with (header values copied out, mask pixels summed up) before the next is
  // read, so one inflate buffer serves them all.
  const walk = walkDrop(sources, {
    wantsFile: (path) => !isIgnoredPath(path),
    wantsZip,
    headOnly,
    reuseOutput: true,
    zipCaps: opts.zipCaps,
    onProgress: opts.onProgress,
  });
  for await (const event of walk) await take(event);
  if (readAgain.size > 0) {
    for await (const event of walkDrop(sources, { wantsFile: (path) => readAgain.has(path), wantsZip, zipCaps: opts.zipCaps })) {
      if (!('folder' in event)) await take(event);
    }
  }

  const patients = [...drafts.values()].map(buildPatientScan).sort((a, b) => naturalCompare(a.name, b.name));
  return { patients, problems };
}

const NOT_IN_LAYOUT =
  'not part of the 3D-IRCADb layout (expected <patient>/PATIENT_DICOM/<slice> or <patient>/MASKS_DICOM/<organ>/<slice>); ignored';

function buildPatientScan(draft: PatientDraft): PatientScan {
  const patientLabel = draft.patientFolder || draft.name;
  const ctFolder = draft.ctFolder ?? `${patientLabel}/PATIENT_DICOM`;
  const seriesProblems: Problem[] = [];

  const ct = assembleSeries(draft.ct, 'PATIENT_DICOM', ctFolder, seriesProblems);
  const first = ct[0]?.header;
  const compressed = compressedSyntaxOf(first?.transferSyntaxUid, draft.unreadableCt);
  const spacing = first?.pixelSpacing ? seriesSpacing(ct, first.pixelSpacing, ctFolder, seriesProblems) : null;
  if (first && !first.pixelSpacing) seriesProblems.push(warning(ctFolder, 'no PixelSpacing: sizes in mm are unknown'));
  const gaps = instanceGaps(ct.map((slice) => slice.instanceNumber));
  if (gaps) seriesProblems.push(warning(ctFolder, `PATIENT_DICOM: ${gaps}`));
  if (ct.length === 1) {
    seriesProblems.push(
      warning(ctFolder, 'PATIENT_DICOM holds a single slice: too few for a volume; preprocessing drops a margin of slices at each end of the organ'),
    );
  }
  if (first?.bitsAllocated === 8) {
    seriesProblems.push(
      warning(ctFolder, 'CT has 8-bit pixels (BitsAllocated 8), not the usual 16: probably not Hounsfield units (a screenshot export?); the HU window may show little'),
    );
  }
  if (first?.modality && first.modality !== 'CT') {
    seriesProblems.push(warning(ctFolder, `modality is ${first.modality}, not CT: Hounsfield windows may not apply`));
  }
  const ctIndexOf = new Map(ct.map((slice, index) => [slice.instanceNumber, index]));
  const organs = [...draft.organs.entries()]
    .sort(([a], [b]) => naturalCompare(a, b))
    .map(([organ, series]) => buildOrganSeries(organ, series.folder, series.masks, ct, ctIndexOf, seriesProblems));

  return {
    name: draft.name,
    ct: ct.map(({ file, instanceNumber, header }) => ({ file, instanceNumber, rows: header.rows, columns: header.columns })),
    rows: first?.rows ?? 0,
    columns: first?.columns ?? 0,
    spacing,
    transferSyntaxUid: first?.transferSyntaxUid ?? compressed?.uid ?? null,
    modality: first?.modality ?? null,
    organs,
    bytes: draft.bytes,
    // Why the patient cannot be used first, then the files that failed, then what that did to the series.
    problems: [
      ...ctVerdict(draft, ct.length, compressed, patientLabel, ctFolder),
      ...collapseRepeats([...draft.unreadableCt, ...draft.fileProblems]),
      ...seriesProblems,
    ],
    usable: ct.length > 0 && !compressed,
  };
}

/** The error that makes a patient unusable, if any: no CT folder, an empty one, a compressed or unreadable CT. */
function ctVerdict(
  draft: PatientDraft,
  readable: number,
  compressed: TransferSyntax | null,
  patientLabel: string,
  ctFolder: string,
): Problem[] {
  if (!draft.ctFolderSeen) return [error(patientLabel, 'no PATIENT_DICOM series: this patient cannot be used')];
  if (draft.ct.length === 0 && draft.unreadableCt.length === 0) return [error(ctFolder, 'PATIENT_DICOM folder is empty')];
  if (compressed) {
    const named = describeTransferSyntax(compressed.uid);
    return [error(ctFolder, `CT uses compressed transfer syntax ${named}, which LiverLab cannot decode (it decodes JPEG lossless, JPEG-LS, JPEG 2000 and RLE)`)];
  }
  if (readable === 0) return [error(ctFolder, `no readable CT slice (${draft.unreadableCt.length} unreadable files)`)];
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

/** Whether a mask slice has any non-zero pixel, and up to 5 distinct values other than 0 and 255. */
function maskValues(pixels: PixelArray): { nonEmpty: boolean; oddValues: number[] } {
  let nonEmpty = false;
  const odd: number[] = [];
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i];
    if (value === 0) continue;
    nonEmpty = true;
    if (value !== 255 && odd.length < 5 && !odd.includes(value)) odd.push(value);
  }
  return { nonEmpty, oddValues: odd };
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

function patientFolderOf(folderPath: string, kind: 'ct' | 'mask'): string {
  const segments = folderPath.split('/');
  return segments.slice(0, Math.max(0, segments.length - (kind === 'ct' ? 1 : 2))).join('/');
}
