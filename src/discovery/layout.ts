// What a path means in the 3D-IRCADb-01 layout (`<patient>/PATIENT_DICOM/image_K`,
// `<patient>/MASKS_DICOM/<organ>/image_K`, and the zips of the official download).
// Pure string work: it never reads a file, never touches the DOM or Node; runs in Node, workers and the CLI.
import type { PathRole } from './types';
import { segmentsOf } from '../common/paths';

/** Name used for the patient when the drop is only `PATIENT_DICOM/` + `MASKS_DICOM/` with no parent folder. */
export const DEFAULT_PATIENT_NAME = 'patient';

const CT_FOLDER = 'patient_dicom';
const MASKS_FOLDER = 'masks_dicom';
/** Folders of the official download that LiverLab does not use (labelled volume, surface meshes). */
const UNUSED_FOLDERS = new Set(['labelled_dicom', 'meshes_vtk']);
/** Files and folders that operating systems and archivers leave behind. */
const JUNK_NAMES = new Set(['__macosx', 'thumbs.db', 'desktop.ini', 'ehthumbs.db', '$recycle.bin']);

/** A PathRole with the folders it was found in, so problems can name the patient or series folder. */
export type LocatedRole = PathRole & {
  /** `…/3Dircadb1.17`, or '' when the patient name is the caller's fallback. */
  patientFolder: string;
  /** `…/3Dircadb1.17/PATIENT_DICOM` or `…/3Dircadb1.17/MASKS_DICOM/liver`. */
  seriesFolder: string;
};

/** What a zip inside a drop holds, judged from its path alone (before opening it). */
export type ZipRole =
  | { kind: 'unused' }
  | { kind: 'series'; holds: 'ct' | 'masks'; patient: string }
  | { kind: 'container' };

/** True for files that carry no data and deserve no problem: OS junk and the unused IRCAD folders. */
export function isIgnoredPath(path: string): boolean {
  return segmentsOf(path).some((segment) => isJunkName(segment) || UNUSED_FOLDERS.has(stripZip(segment).toLowerCase()));
}

/**
 * The role of a file path: a CT slice or an organ mask slice of a patient, or null when the path is
 * not in the layout (including ignored paths; ask `isIgnoredPath` to tell junk from unknown files).
 * The patient is the folder that holds PATIENT_DICOM / MASKS_DICOM, or `fallbackName` when there is none.
 */
export function classifyPath(path: string, fallbackName = DEFAULT_PATIENT_NAME): LocatedRole | null {
  const segments = segmentsOf(path);
  if (segments.length < 2 || isIgnoredPath(path)) return null;
  const last = segments.length - 1;
  const slice = segments[last];
  if (isFolder(segments[last - 1], CT_FOLDER)) {
    return { kind: 'ct', slice, ...locate(segments, last - 1, fallbackName) };
  }
  if (last >= 2 && isFolder(segments[last - 2], MASKS_FOLDER)) {
    return { kind: 'mask', organ: segments[last - 1], slice, ...locate(segments, last - 2, fallbackName) };
  }
  return null;
}

/** A folder's series with the folders it was found in (locateFolder), like LocatedRole without the slice. */
export type LocatedFolder = ({ kind: 'ct'; patient: string } | { kind: 'mask'; patient: string; organ: string }) & {
  patientFolder: string;
  seriesFolder: string;
};

/** The series a folder path stands for (`…/PATIENT_DICOM` or `…/MASKS_DICOM/<organ>`), for empty folders. */
export function classifyFolder(
  path: string,
  fallbackName = DEFAULT_PATIENT_NAME,
): ({ kind: 'ct'; patient: string } | { kind: 'mask'; patient: string; organ: string }) | null {
  const located = locateFolder(path, fallbackName);
  if (!located) return null;
  return located.kind === 'ct' ? { kind: 'ct', patient: located.patient } : { kind: 'mask', organ: located.organ, patient: located.patient };
}

/** classifyFolder with the patient and series folders (as classifyPath gives them for a file inside). */
export function locateFolder(path: string, fallbackName = DEFAULT_PATIENT_NAME): LocatedFolder | null {
  const segments = segmentsOf(path);
  if (segments.length === 0 || isIgnoredPath(path)) return null;
  const last = segments.length - 1;
  if (isFolder(segments[last], CT_FOLDER)) return { kind: 'ct', ...locate(segments, last, fallbackName) };
  if (last >= 1 && isFolder(segments[last - 1], MASKS_FOLDER)) {
    return { kind: 'mask', organ: segments[last], ...locate(segments, last - 1, fallbackName) };
  }
  return null;
}

/**
 * What a zip holds, from its path: `…/<patient>/PATIENT_DICOM.zip` (CT of that patient),
 * `…/MASKS_DICOM.zip`, the unused `LABELLED_DICOM.zip`/`MESHES_VTK.zip`, or anything else
 * (a patient zip, a dataset zip: a container that may hold any patient).
 */
export function classifyZip(path: string, fallbackName = DEFAULT_PATIENT_NAME): ZipRole {
  const segments = segmentsOf(path);
  if (segments.length === 0 || isIgnoredPath(path)) return { kind: 'unused' };
  const last = segments.length - 1;
  const base = stripZip(segments[last]);
  const holds = isCopyOf(base, CT_FOLDER) ? 'ct' : isCopyOf(base, MASKS_FOLDER) ? 'masks' : null;
  if (!holds) return { kind: 'container' };
  return { kind: 'series', holds, patient: locate([...segments.slice(0, last), base], last, fallbackName).patient };
}

function isJunkName(segment: string): boolean {
  return segment.startsWith('.') || JUNK_NAMES.has(segment.toLowerCase());
}

function isFolder(segment: string | undefined, folder: string): boolean {
  return segment !== undefined && segment.toLowerCase() === folder;
}

/**
 * A second copy of a series folder or zip, as browsers and file managers name it (`PATIENT_DICOM (1)`,
 * `MASKS_DICOM-2`, `PATIENT_DICOM - Copy`): the name says nothing about the patient, only that a
 * second patient's series was saved beside the first.
 */
function isCopyOf(segment: string | undefined, folder: string): boolean {
  if (segment === undefined) return false;
  const name = segment.toLowerCase();
  return name === folder || (name.startsWith(folder) && COPY_SUFFIX.test(name.slice(folder.length)));
}

const COPY_SUFFIX = /^(\s*\(\d+\)|[ _-]\d+|\s*-\s*copy(\s*\(\d+\))?)$/;

/** True for a folder or zip name that is a series folder of the layout or a copy of one (`PATIENT_DICOM (1).zip`). */
export function isSeriesFolderName(segment: string): boolean {
  const base = stripZip(segment);
  return isCopyOf(base, CT_FOLDER) || isCopyOf(base, MASKS_FOLDER);
}

function stripZip(segment: string): string {
  return segment.replace(/\.zip$/i, '');
}

/**
 * Folders of the series folder at `seriesIndex`. A doubled series folder (`PATIENT_DICOM/PATIENT_DICOM/…`,
 * what "extract to a folder" makes of PATIENT_DICOM.zip) is looked through to find the patient, and so
 * is a copy's folder (`PATIENT_DICOM (1)/PATIENT_DICOM/…`, what a second download's zip picked alone
 * becomes): neither names a patient.
 */
function locate(
  segments: string[],
  seriesIndex: number,
  fallbackName: string,
): { patient: string; patientFolder: string; seriesFolder: string } {
  const seriesName = segments[seriesIndex].toLowerCase();
  let first = seriesIndex;
  while (first > 0 && isCopyOf(stripZip(segments[first - 1]), seriesName)) first--;
  const isMask = seriesName === MASKS_FOLDER;
  const seriesFolder = segments.slice(0, seriesIndex + (isMask ? 2 : 1)).join('/');
  if (first === 0) return { patient: fallbackName, patientFolder: '', seriesFolder };
  return { patient: segments[first - 1], patientFolder: segments.slice(0, first).join('/'), seriesFolder };
}
