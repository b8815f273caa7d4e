// Scanning: turns a drop (files, folders, zips of zips) into the patients it holds — each CT series
// sorted by InstanceNumber, its organ masks paired to the CT slices, and every problem found on the way.
// The walk gathers series drafts (one per series folder); which make a patient is decided from what
// the files say (assemblePatients.ts), not from the folders alone.
// Reads CT headers only, and mask pixels only long enough to know whether a slice is empty: it never
// keeps pixels. It never throws across a drop: a bad file is a Problem, the rest still loads.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { walkDrop, type DropEvent, type DropSources, type ZipCaps } from './walkDrop';
import { DEFAULT_PATIENT_NAME, classifyPath, classifyZip, isIgnoredPath, locateFolder } from './layout';
import { assemblePatients } from './assemblePatients';
import type { CtDraft, MaskDraft } from './buildPatient';
import { NiftiDrafts } from './niftiDrafts';
import { LooseDicom } from './looseDicom';
import { isDicomDirPath } from '../dicom/dicomdir';
import { isNiftiPath } from '../nifti/readNifti';
import { readHeader, readHeaderPrefix, readSliceAsync } from '../dicom/parse';
import { warning } from '../common/problems';
import { foregroundRuns } from '../common/maskRuns';
import { pixelWords } from '../common/pixelWords';
import type { PatientScan } from './types';
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

/** Goes through every file of the drop (expanding zips) and builds one PatientScan per patient found. */
export async function scanPatients(sources: DropSources, opts: ScanOptions = {}): Promise<ScanResult> {
  const fallbackName = opts.fallbackName ?? DEFAULT_PATIENT_NAME;
  const cts = new Map<string, CtDraft>();
  const masks = new Map<string, MaskDraft>();
  const problems: Problem[] = [];
  const nifti = new NiftiDrafts();
  const loose = new LooseDicom();
  /** Every path of the drop (lower case), for the DICOMDIRs' indexes. */
  const seen = new Set<string>();
  type Located = { patient: string; patientFolder: string; seriesFolder: string };
  const fresh = (at: Located) => ({ folder: at.seriesFolder, patientFolder: at.patientFolder, folderName: at.patient, records: [], problems: [], bytes: 0 });
  const ctOf = (at: Located): CtDraft => {
    let draft = cts.get(at.seriesFolder);
    if (!draft) cts.set(at.seriesFolder, (draft = fresh(at)));
    return draft;
  };
  const organOf = (at: Located & { organ: string }): MaskDraft => {
    let draft = masks.get(at.seriesFolder);
    if (!draft) masks.set(at.seriesFolder, (draft = { ...fresh(at), organ: at.organ }));
    return draft;
  };
  const noteFolder = (path: string): void => {
    const folder = locateFolder(path, fallbackName);
    if (folder?.kind === 'ct') ctOf(folder);
    else if (folder) organOf(folder);
  };

  for (const folder of opts.emptyFolders ?? []) noteFolder(folder);

  // Headers only where pixels are not needed; a header longer than the part read is read again, whole.
  const checked = opts.checkOrgans && Array.isArray(sources) ? new Set(opts.checkOrgans) : null;
  const headOnly = (path: string): boolean => {
    if (!checked) return false;
    if (isNiftiPath(path)) return NiftiDrafts.headOnly(path);
    const role = classifyPath(path, fallbackName);
    if (role === null) return !isDicomDirPath(path); // a loose file: a CT slice's header, if anything
    return role.kind === 'ct' || !checked.has(role.organ);
  };
  const readAgain = new Set<string>();
  const take = async (event: DropEvent): Promise<void> => {
    if ('folder' in event) {
      noteFolder(event.folder);
      return;
    }
    if ('problem' in event) {
      if (event.path !== undefined) seen.add(event.path.toLowerCase());
      const role = event.path === undefined ? null : classifyPath(event.path, fallbackName);
      if (!role) problems.push(event.problem);
      else (role.kind === 'ct' ? ctOf(role) : organOf(role)).problems.push(event.problem);
      return;
    }
    const { path, bytes, size } = event;
    seen.add(path.toLowerCase());
    const role = classifyPath(path, fallbackName);
    if (!role && isNiftiPath(path)) {
      if (nifti.take(path, bytes, size) === 'again') readAgain.add(path);
      return;
    }
    if (!role && isDicomDirPath(path)) return loose.dicomDir(path, bytes);
    const partialHeader = size === undefined ? undefined : readHeaderPrefix(bytes, size, path);
    if (partialHeader === null) {
      readAgain.add(path);
      return;
    }
    if (!role) {
      // Outside the layout: a DICOM image is a slice of its series, whatever the file is called.
      const header = partialHeader ?? readHeader(bytes, path);
      if (header.ok) loose.image(path, header.value, size ?? bytes.length);
      else if (NOT_DICOM.has(header.problem.message)) problems.push(warning(path, NOT_IN_LAYOUT));
      else problems.push(warning(path, `a DICOM file LiverLab cannot use as a CT slice (${header.problem.message}); ignored`));
      return;
    }
    if (role.kind === 'ct') {
      const draft = ctOf(role);
      draft.bytes += size ?? bytes.length;
      const header = partialHeader ?? readHeader(bytes, path);
      if (header.ok) draft.records.push({ file: path, header: header.value });
      else draft.problems.push(header.problem);
      return;
    }
    const organ = organOf(role);
    organ.bytes += size ?? bytes.length;
    if (partialHeader) {
      if (partialHeader.ok) organ.records.push({ file: path, header: partialHeader.value, nonEmpty: null, oddValues: [] });
      else organ.problems.push(partialHeader.problem);
      return;
    }
    // Pixels only looked at here, never kept: a view into the entry's bytes will do.
    const slice = await readSliceAsync(bytes, path, { view: true });
    if (!slice.ok) {
      organ.problems.push(slice.problem);
      return;
    }
    const { pixels, ...header } = slice.value;
    organ.records.push({ file: path, header, ...maskValues(pixels), foreground: foregroundRuns(pixels) });
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

  const volumes = nifti.finish();
  const series = loose.finish(seen);
  const assembled = assemblePatients([...cts.values(), ...series, ...volumes.cts], [...masks.values(), ...volumes.masks], opts.fallbackName !== undefined);
  return { patients: assembled.patients, problems: [...problems, ...loose.problems, ...nifti.problems, ...assembled.problems] };
}

const NOT_IN_LAYOUT =
  'not part of the 3D-IRCADb layout (<patient>/PATIENT_DICOM/<slice>, <patient>/MASKS_DICOM/<organ>/<slice>), and not a DICOM image or a NIfTI volume; ignored';
/** The reader's words for a file that is no DICOM at all. */
const NOT_DICOM = new Set(['not a DICOM file', 'empty file']);

/** Whether a mask slice has any non-zero pixel, and up to 5 distinct values other than 0 and 255. */
function maskValues(pixels: PixelArray): { nonEmpty: boolean; oddValues: number[] } {
  let nonEmpty = false;
  const odd: number[] = [];
  const look = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const value = pixels[i];
      if (value === 0) continue;
      nonEmpty = true;
      if (value !== 255 && odd.length < 5 && !odd.includes(value)) odd.push(value);
    }
  };
  // Background four bytes at a time: only the pixels of a non-zero word are looked at.
  const { words, first, end, pixelsPerWord } = pixelWords(pixels);
  look(0, first);
  for (let w = 0; w < words.length; w++) if (words[w] !== 0) look(first + w * pixelsPerWord, first + (w + 1) * pixelsPerWord);
  look(end, pixels.length);
  return { nonEmpty, oddValues: odd };
}
