// Discovery: turns a drop (files, folders, zips of zips) into the patients it holds — each CT series
// sorted by InstanceNumber, its organ masks paired to the CT slices, and every problem found on the way —
// and later re-reads the pixels of one patient and one organ for preprocessing.
// Scanning reads CT headers only, and mask pixels only long enough to know whether a slice is empty:
// it never keeps pixels. It never throws across a drop: a bad file is a Problem, the rest still loads.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import {
  DEFAULT_PATIENT_NAME,
  classifyFolder,
  classifyPath,
  classifyZip,
  isIgnoredPath,
  isZipPath,
  naturalCompare,
  normalisePath,
  type LocatedRole,
} from './layout';
import { readHeader, readSlice } from './parse';
import { TRANSFER_SYNTAXES, describeTransferSyntax, isCompressed, type TransferSyntax } from './transferSyntax';
import type {
  DicomSlice,
  MaskSliceRef,
  OrganSeries,
  PatientScan,
  PixelArray,
  Problem,
  Result,
  SliceHeader,
  SourceFile,
} from './types';
import { expandZip } from './zip';

/** One item of a drop: a file to read lazily, or bytes already in memory (e.g. from a worker). */
export type DropItem = SourceFile | { path: string; bytes: Uint8Array };
export type DropSources = AsyncIterable<DropItem> | Iterable<DropItem>;

export interface ZipCaps {
  maxEntryBytes?: number;
  maxTotalBytes?: number;
}

export interface ScanOptions {
  /** Bytes of the dropped files read so far, out of their total when the drop is a list. */
  onProgress?(done: number, total?: number): void;
  /** Patient name for a drop of bare `PATIENT_DICOM/` + `MASKS_DICOM/` folders (e.g. the zip's or drop's name). */
  fallbackName?: string;
  /** Folders of the drop that hold no file (a file list cannot show them), e.g. `3Dircadb1.17/MASKS_DICOM/liver`. */
  emptyFolders?: string[];
  zipCaps?: ZipCaps;
}

export interface ScanResult {
  /** Sorted naturally by name. */
  patients: PatientScan[];
  /** Problems that belong to no patient (unknown files, unreadable zips). */
  problems: Problem[];
}

export interface LoadOptions {
  fallbackName?: string;
  zipCaps?: ZipCaps;
}

/** CT slices sorted by InstanceNumber and the organ's mask slices aligned to them, index for index. */
export interface PatientSeries {
  ct: DicomSlice[];
  masks: DicomSlice[];
}

// ---------------------------------------------------------------------------------------------
// Scanning

interface HeaderRecord<H extends SliceHeader = SliceHeader> {
  file: string;
  header: H;
}

interface MaskRecord extends HeaderRecord {
  nonEmpty: boolean;
}

/** A series after ordering: each record with the number it is sorted and paired by. */
type Numbered<R> = R & { instanceNumber: number };

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

  const walk = walkDrop(sources, {
    wantsFile: (path) => !isIgnoredPath(path),
    wantsZip: (path) => classifyZip(path, fallbackName).kind !== 'unused',
    zipCaps: opts.zipCaps,
    onProgress: opts.onProgress,
  });
  for await (const event of walk) {
    if ('folder' in event) {
      noteFolder(event.folder);
      continue;
    }
    if ('problem' in event) {
      const role = event.path === undefined ? null : classifyPath(event.path, fallbackName);
      if (!role) {
        problems.push(event.problem);
        continue;
      }
      const draft = draftOf(role.patient, role.patientFolder);
      if (role.kind === 'ct') {
        draft.ctFolderSeen = true;
        draft.ctFolder ??= role.seriesFolder;
        draft.unreadableCt.push(event.problem);
      } else {
        draft.fileProblems.push(event.problem);
      }
      continue;
    }
    const { path, bytes } = event;
    const role = classifyPath(path, fallbackName);
    if (!role) {
      if (!isIgnoredPath(path)) problems.push(warning(path, NOT_IN_LAYOUT));
      continue;
    }
    const draft = draftOf(role.patient, role.patientFolder);
    draft.bytes += bytes.length;
    if (role.kind === 'ct') {
      draft.ctFolderSeen = true;
      draft.ctFolder ??= role.seriesFolder;
      const header = readHeader(bytes, path);
      if (header.ok) draft.ct.push({ file: path, header: header.value });
      else draft.unreadableCt.push(header.problem);
    } else {
      const organ = organOf(draft, role.organ, role.seriesFolder);
      const slice = readSlice(bytes, path);
      if (!slice.ok) {
        draft.fileProblems.push(slice.problem);
        continue;
      }
      const { pixels, ...header } = slice.value;
      organ.masks.push({ file: path, header, nonEmpty: hasNonZero(pixels) });
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
    return [error(ctFolder, `CT uses compressed transfer syntax ${named}: compressed DICOM is not supported yet`)];
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
  const slices: MaskSliceRef[] = masks.map(({ file, instanceNumber, header, nonEmpty }) => ({
    file,
    instanceNumber,
    rows: header.rows,
    columns: header.columns,
    nonEmpty,
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
  return { organ, slices, nonEmptyRange: range };
}

// ---------------------------------------------------------------------------------------------
// Loading pixels for preprocessing

/**
 * Re-reads only `patientName`'s CT files and `organ`'s mask files (zip entries of other patients and
 * organs are not inflated): CT sorted by InstanceNumber, masks aligned to it index for index.
 * A CT slice without a mask slice gets an all-zero mask (the scan already warned about it).
 */
export async function loadPatientSeries(
  sources: DropSources,
  patientName: string,
  organ: string,
  opts: LoadOptions = {},
): Promise<Result<PatientSeries>> {
  const fallbackName = opts.fallbackName ?? DEFAULT_PATIENT_NAME;
  const wants = (role: LocatedRole | null): boolean =>
    role !== null && role.patient === patientName && (role.kind === 'ct' || role.organ === organ);
  const wantsZip = (path: string): boolean => {
    const zip = classifyZip(path, fallbackName);
    return zip.kind === 'container' || (zip.kind === 'series' && zip.patient === patientName);
  };
  const ctRecords: HeaderRecord<DicomSlice>[] = [];
  const maskRecords: HeaderRecord<DicomSlice>[] = [];
  const walk = walkDrop(sources, { wantsFile: (path) => wants(classifyPath(path, fallbackName)), wantsZip, zipCaps: opts.zipCaps });
  for await (const event of walk) {
    if (!('bytes' in event)) continue;
    const role = classifyPath(event.path, fallbackName);
    if (!role || !wants(role)) continue;
    const slice = readSlice(event.bytes, event.path);
    if (!slice.ok) continue;
    (role.kind === 'ct' ? ctRecords : maskRecords).push({ file: event.path, header: slice.value });
  }

  const ignored: Problem[] = [];
  const ct = assembleSeries(ctRecords, 'PATIENT_DICOM', patientName, ignored);
  if (ct.length === 0) return failure(patientName, `no readable CT slice for patient ${patientName}`);
  const masks = assembleSeries(maskRecords, organ, patientName, ignored, false);
  if (masks.length === 0) return failure(patientName, `no readable ${organ} mask for patient ${patientName}`);
  const { rows, columns } = ct[0].header;
  const wrongSize = masks.find((mask) => mask.header.rows !== rows || mask.header.columns !== columns);
  if (wrongSize) {
    return failure(wrongSize.file, `${organ}: mask is ${wrongSize.header.rows}×${wrongSize.header.columns} but the CT is ${rows}×${columns}`);
  }
  const maskByNumber = new Map(masks.map((mask) => [mask.instanceNumber, mask.header]));
  return {
    ok: true,
    value: {
      ct: ct.map((slice) => slice.header),
      masks: ct.map((slice) => maskByNumber.get(slice.instanceNumber) ?? emptyMaskLike(slice.header)),
    },
  };
}

function emptyMaskLike(ct: DicomSlice): DicomSlice {
  return {
    ...ct,
    bitsAllocated: 8,
    bitsStored: 8,
    pixelRepresentation: 0,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    pixelPaddingValue: null,
    windowCenter: null,
    windowWidth: null,
    pixels: new Uint8Array(ct.rows * ct.columns),
  };
}

// ---------------------------------------------------------------------------------------------
// Series assembly, shared by scanning and loading

/**
 * One folder's slices as a series: the main series if several are mixed, a number for every slice
 * (InstanceNumber, else the order of ImagePositionPatient, else of file names), duplicates dropped,
 * and (for the CT) slices of another size than the series dropped. Problems go to `problems`.
 */
function assembleSeries<R extends HeaderRecord>(
  records: R[],
  label: string,
  folder: string,
  problems: Problem[],
  dropOtherSizes = true,
): Numbered<R>[] {
  const main = mainSeries(records, label, folder, problems);
  const numbered = dropDuplicates(numberSlices(main, label, folder, problems), label, problems);
  return dropOtherSizes ? dropOddSizes(numbered, label, problems) : numbered;
}

/** Different SeriesInstanceUIDs in one folder: keep the series with most files, say what was left. */
function mainSeries<R extends HeaderRecord>(records: R[], label: string, folder: string, problems: Problem[]): R[] {
  const bySeries = new Map<string, R[]>();
  for (const record of records) {
    const key = record.header.seriesInstanceUid ?? '';
    const group = bySeries.get(key);
    if (group) group.push(record);
    else bySeries.set(key, [record]);
  }
  if (bySeries.size <= 1) return records;
  const groups = [...bySeries.entries()].sort((a, b) => b[1].length - a[1].length);
  const [[keptUid, kept], ...others] = groups;
  const ignored = others.map(([uid, group]) => `series ${uid || '(no SeriesInstanceUID)'} (${group.length} files, e.g. ${baseName(group[0].file)})`);
  problems.push(
    warning(
      folder,
      `${label} mixes ${groups.length} series: kept ${keptUid || '(no SeriesInstanceUID)'} (${kept.length} files), ignored ${ignored.join(', ')}`,
    ),
  );
  return kept;
}

/** Sorted by InstanceNumber; without it, by position along the slice normal, else by file name (and said so). */
function numberSlices<R extends HeaderRecord>(records: R[], label: string, folder: string, problems: Problem[]): Numbered<R>[] {
  const byFile = [...records].sort((a, b) => naturalCompare(a.file, b.file));
  const missing = byFile.filter((record) => record.header.instanceNumber === null).length;
  if (missing === 0) {
    return byFile
      .map((record) => ({ ...record, instanceNumber: record.header.instanceNumber as number }))
      .sort((a, b) => a.instanceNumber - b.instanceNumber);
  }
  const positioned = byFile.every((record) => record.header.imagePositionPatient !== null);
  const ordered = positioned ? sortByPosition(byFile) : byFile;
  const how = positioned ? 'ImagePositionPatient' : 'file name';
  problems.push(
    warning(folder, `${label}: ${missing} of ${records.length} slices have no InstanceNumber; ordered and numbered by ${how}`),
  );
  return ordered.map((record, index) => ({ ...record, instanceNumber: index }));
}

function sortByPosition<R extends HeaderRecord>(records: R[]): R[] {
  const normal = sliceNormal(records[0]?.header.imageOrientationPatient ?? null);
  const along = (record: R): number => dot(record.header.imagePositionPatient as [number, number, number], normal);
  return [...records].sort((a, b) => along(a) - along(b));
}

/** Same InstanceNumber twice: the first file (natural order) is kept, both are named. */
function dropDuplicates<R extends HeaderRecord>(sorted: Numbered<R>[], label: string, problems: Problem[]): Numbered<R>[] {
  const kept: Numbered<R>[] = [];
  for (const record of sorted) {
    const previous = kept[kept.length - 1];
    if (!previous || previous.instanceNumber !== record.instanceNumber) {
      kept.push(record);
      continue;
    }
    const sameImage = record.header.sopInstanceUid !== null && record.header.sopInstanceUid === previous.header.sopInstanceUid;
    const message =
      `${label}: InstanceNumber ${record.instanceNumber} appears in both ${previous.file} and ${record.file}` +
      `${sameImage ? ' (the same image twice)' : ''}; ${baseName(record.file)} ignored`;
    problems.push(sameImage ? warning(record.file, message) : error(record.file, message));
  }
  return kept;
}

/** A volume has one slice size: slices of another size than the most common one are dropped. */
function dropOddSizes<R extends HeaderRecord>(slices: Numbered<R>[], label: string, problems: Problem[]): Numbered<R>[] {
  const counts = new Map<string, number>();
  for (const { header } of slices) counts.set(`${header.rows}×${header.columns}`, (counts.get(`${header.rows}×${header.columns}`) ?? 0) + 1);
  if (counts.size <= 1) return slices;
  const size = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  return slices.filter((slice) => {
    const own = `${slice.header.rows}×${slice.header.columns}`;
    if (own === size) return true;
    problems.push(error(slice.file, `${label}: slice is ${own} but the series is ${size}; ignored`));
    return false;
  });
}

/** [row, column, slice] spacing: slice spacing is the median gap between positions, else SliceThickness. */
function seriesSpacing(
  ct: Numbered<HeaderRecord>[],
  pixelSpacing: [number, number],
  folder: string,
  problems: Problem[],
): [number, number, number] | null {
  const normal = sliceNormal(ct[0].header.imageOrientationPatient);
  const gaps: number[] = [];
  for (let i = 1; i < ct.length; i++) {
    const [a, b] = [ct[i - 1].header.imagePositionPatient, ct[i].header.imagePositionPatient];
    if (a && b) gaps.push(Math.abs(dot(b, normal) - dot(a, normal)));
  }
  const sorted = gaps.filter((gap) => gap > 1e-6).sort((a, b) => a - b);
  let sliceSpacing = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : ct[0].header.sliceThickness;
  if (sorted.length > 0 && sorted[sorted.length - 1] - sorted[0] > 0.01 * (sliceSpacing ?? 1) + 1e-3) {
    problems.push(
      warning(folder, `slice spacing varies from ${round(sorted[0])} to ${round(sorted[sorted.length - 1])} mm (missing slices?)`),
    );
  }
  if (sliceSpacing === null) {
    problems.push(warning(folder, 'no ImagePositionPatient nor SliceThickness: slice spacing unknown, 1 mm assumed'));
    sliceSpacing = 1;
  }
  return [pixelSpacing[0], pixelSpacing[1], sliceSpacing];
}

function sliceNormal(orientation: number[] | null): [number, number, number] {
  if (!orientation || orientation.length < 6) return [0, 0, 1];
  const [rx, ry, rz, cx, cy, cz] = orientation;
  const normal: [number, number, number] = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  return Math.hypot(...normal) > 1e-6 ? normal : [0, 0, 1];
}

function dot(a: [number, number, number], b: [number, number, number]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** The compressed syntax of the CT: from a readable header, or named by the reader's refusals. */
function compressedSyntaxOf(uid: string | undefined, refusals: Problem[]): TransferSyntax | null {
  if (uid !== undefined) return isCompressed(uid) ? (TRANSFER_SYNTAXES.find((syntax) => syntax.uid === uid.trim()) ?? null) : null;
  const compressed = TRANSFER_SYNTAXES.filter((syntax) => syntax.compressed);
  for (const refusal of refusals) {
    const named = compressed.find((syntax) => refusal.message.includes(describeTransferSyntax(syntax.uid)));
    if (named) return named;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Walking a drop

type DropEvent = { path: string; bytes: Uint8Array } | { problem: Problem; path?: string } | { folder: string };

interface WalkOptions {
  wantsFile(path: string): boolean;
  wantsZip(path: string): boolean;
  zipCaps?: ZipCaps;
  onProgress?(done: number, total?: number): void;
}

/** Every wanted file of the drop with its bytes, zips expanded (only wanted entries inflated). */
async function* walkDrop(sources: DropSources, walk: WalkOptions): AsyncGenerator<DropEvent> {
  const total = Array.isArray(sources) ? (sources as DropItem[]).reduce((sum, item) => sum + sizeOf(item), 0) : undefined;
  let done = 0;
  const advance = (bytes: number): void => {
    done += bytes;
    walk.onProgress?.(done, total);
  };
  for await (const item of sources) {
    const path = normalisePath(item.path);
    const inMemory = 'bytes' in item && item.bytes instanceof Uint8Array;
    if (isZipPath(path)) {
      if (!walk.wantsZip(path)) {
        advance(sizeOf(item));
        continue;
      }
      const zip = inMemory ? memoryFile(path, item.bytes as Uint8Array) : atPath(item as SourceFile, path);
      const filter = (entry: string): boolean => (isZipPath(entry) ? walk.wantsZip(entry) : walk.wantsFile(entry));
      yield* expandZip(countingReads(zip, advance), { filter, ...walk.zipCaps });
      continue;
    }
    if (!walk.wantsFile(path)) {
      advance(sizeOf(item));
      continue;
    }
    try {
      const bytes = inMemory ? (item.bytes as Uint8Array) : await (item as SourceFile).bytes();
      advance(bytes.length);
      yield { path, bytes };
    } catch (reason) {
      advance(sizeOf(item));
      yield { problem: error(path, `cannot read file (${reason instanceof Error ? reason.message : String(reason)})`), path };
    }
  }
}

function sizeOf(item: DropItem): number {
  return 'bytes' in item && item.bytes instanceof Uint8Array ? item.bytes.length : (item as SourceFile).size;
}

function memoryFile(path: string, bytes: Uint8Array): SourceFile {
  return { path, size: bytes.length, bytes: async () => bytes };
}

/** The same file under its normalised path (methods kept: a SourceFile may be a class instance). */
function atPath(source: SourceFile, path: string): SourceFile {
  const file: SourceFile = { path, size: source.size, bytes: () => source.bytes() };
  const { stream, slice } = source;
  if (stream) file.stream = () => stream.call(source);
  if (slice) file.slice = (start, end) => slice.call(source, start, end);
  return file;
}

/** The same zip, read as a stream whose chunks are counted for progress. */
function countingReads(zip: SourceFile, advance: (bytes: number) => void): SourceFile {
  const { slice } = zip;
  return {
    path: zip.path,
    size: zip.size,
    bytes: () => zip.bytes(),
    ...(slice
      ? {
          async slice(start: number, end: number) {
            const bytes = await slice.call(zip, start, end);
            advance(bytes.length);
            return bytes;
          },
        }
      : {}),
    async *stream() {
      if (zip.stream) {
        for await (const chunk of zip.stream()) {
          advance(chunk.length);
          yield chunk;
        }
        return;
      }
      const all = await zip.bytes();
      for (let offset = 0; offset < all.length; offset += 1 << 20) {
        const chunk = all.subarray(offset, Math.min(offset + (1 << 20), all.length));
        advance(chunk.length);
        yield chunk;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function hasNonZero(pixels: PixelArray): boolean {
  for (let i = 0; i < pixels.length; i++) if (pixels[i] !== 0) return true;
  return false;
}

/** The same message for many files (e.g. 119 compressed slices) becomes one problem naming the first. */
function collapseRepeats(problems: Problem[]): Problem[] {
  const groups = new Map<string, Problem[]>();
  for (const problem of problems) {
    const key = `${problem.severity}\u0000${problem.message}`;
    const group = groups.get(key);
    if (group) group.push(problem);
    else groups.set(key, [problem]);
  }
  return [...groups.values()].map((group) =>
    group.length === 1 ? group[0] : { ...group[0], message: `${group[0].message} (and ${group.length - 1} more files)` },
  );
}

function patientFolderOf(folderPath: string, kind: 'ct' | 'mask'): string {
  const segments = folderPath.split('/');
  return segments.slice(0, Math.max(0, segments.length - (kind === 'ct' ? 1 : 2))).join('/');
}

function listSome(numbers: number[]): string {
  return numbers.length <= 5 ? numbers.join(', ') : `${numbers.slice(0, 5).join(', ')}, … ${numbers.length - 5} more`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function error(file: string, message: string): Problem {
  return { file, message, severity: 'error' };
}

function warning(file: string, message: string): Problem {
  return { file, message, severity: 'warning' };
}

function failure(file: string, message: string): { ok: false; problem: Problem } {
  return { ok: false, problem: error(file, message) };
}
