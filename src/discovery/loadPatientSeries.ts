// Loading one patient's series: re-reads only that patient's CT files and (when asked) one organ's
// mask files from the drop — the files the scan grouped into this patient (PatientFiles), so zip
// entries of other patients and organs are not inflated — ordered the same way the scan ordered them
// (assembleSeries: InstanceNumber, else ImagePositionPatient, else file name), masks aligned to the CT
// index for index. Given only a name, the drop is scanned first to find the patient's files.
// Preprocessing needs the mask; segmentation (jobs/segment) takes the CT alone when the patient has
// no mask of the organ.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { walkDrop, type DropSources, type ZipCaps } from './walkDrop';
import { assembleSeries, type HeaderRecord } from './assembleSeries';
import { scanPatients } from './scanPatients';
import { patientFilesOf, zipMayHold } from './patientSources';
import type { PatientFiles } from './types';
import { readSliceAsync } from '../dicom/parse';
import { isNiftiPath, readNiftiVolume, type NiftiVolume } from '../nifti/readNifti';
import { labelMismatch, niftiSlices } from './niftiSeries';
import { error, failure } from '../common/problems';
import type { DicomSlice } from '../dicom/types';
import type { Problem, Result } from '../common/types';

export interface LoadOptions {
  zipCaps?: ZipCaps;
}

/** CT slices sorted by InstanceNumber and the organ's mask slices aligned to them, index for index. */
export interface PatientSeries {
  ct: DicomSlice[];
  masks: DicomSlice[];
}

/** A CT series in discovery's order and, when an organ was asked for and found, its mask aligned to it. */
export interface CtSeries {
  ct: DicomSlice[];
  /** The organ's mask slices, index for index with `ct`; null when no organ was asked for or `maskProblem` says why not. */
  masks: DicomSlice[] | null;
  /** Why the organ's mask could not be had (none readable, another size), or null. */
  maskProblem: Problem | null;
  /** True when the patient has no file of the organ at all (a scan without ground truth), not a bad one. */
  noMask: boolean;
  /** What ordering the series said: mixed series, missing InstanceNumbers, duplicates, odd sizes. */
  problems: Problem[];
}

/** A patient's files as the scan grouped them, or its name (then the drop is scanned to find them). */
export type PatientRef = string | PatientFiles;

/**
 * Re-reads only the patient's CT files and `organ`'s mask files (zip entries of other patients and
 * organs are not inflated): CT sorted by InstanceNumber, masks aligned to it index for index.
 * A CT slice without a mask slice gets an all-zero mask (the scan already warned about it).
 */
export async function loadPatientSeries(sources: DropSources, patient: PatientRef, organ: string, opts: LoadOptions = {}): Promise<Result<PatientSeries>> {
  const series = await loadCtSeries(sources, patient, organ, opts);
  if (!series.ok) return series;
  const { ct, masks, maskProblem } = series.value;
  const name = typeof patient === 'string' ? patient : patient.name;
  return maskProblem || !masks ? { ok: false, problem: maskProblem ?? error(name, `no ${organ} mask`) } : { ok: true, value: { ct, masks } };
}

/** The files the scan of `sources` groups into the patient named `name`, or null when there is none. */
async function filesNamed(sources: DropSources, name: string, organ: string | null, opts: LoadOptions): Promise<PatientFiles | null> {
  const scan = await scanPatients(sources, { zipCaps: opts.zipCaps, checkOrgans: organ === null ? [] : [organ] });
  const found = scan.patients.find((p) => p.name === name);
  return found ? patientFilesOf(found) : null;
}

/**
 * `patientName`'s CT series, and `organ`'s mask aligned to it when an organ is given: a missing or
 * mis-sized mask is not a failure here but `maskProblem` (segmentation goes on without ground
 * truth). Fails only when no CT slice can be read.
 */
export async function loadCtSeries(sources: DropSources, patient: PatientRef, organ: string | null, opts: LoadOptions = {}): Promise<Result<CtSeries>> {
  const patientName = typeof patient === 'string' ? patient : patient.name;
  const files = typeof patient === 'string' ? await filesNamed(sources, patient, organ, opts) : patient;
  if (!files || files.ct.length === 0) return failure(patientName, `no readable CT slice for patient ${patientName}`);
  if (isNiftiPath(files.ct[0])) return loadNiftiSeries(sources, files, organ, opts);
  const ctFiles = new Set(files.ct);
  const maskFiles = new Set(organ === null ? [] : (files.organs[organ] ?? []));
  const lowerPaths = [...ctFiles, ...maskFiles].map((p) => p.toLowerCase());
  const ctRecords: HeaderRecord<DicomSlice>[] = [];
  const maskRecords: HeaderRecord<DicomSlice>[] = [];
  const wantsFile = (path: string) => ctFiles.has(path) || maskFiles.has(path);
  const walk = walkDrop(sources, { wantsFile, wantsZip: (path) => zipMayHold(path, lowerPaths), zipCaps: opts.zipCaps });
  for await (const event of walk) {
    if (!('bytes' in event) || !wantsFile(event.path)) continue;
    const slice = await readSliceAsync(event.bytes, event.path);
    if (!slice.ok) continue;
    (ctFiles.has(event.path) ? ctRecords : maskRecords).push({ file: event.path, header: slice.value });
  }

  const problems: Problem[] = [];
  const ct = assembleSeries(ctRecords, 'PATIENT_DICOM', patientName, problems);
  if (ct.length === 0) return failure(patientName, `no readable CT slice for patient ${patientName}`);
  const value: CtSeries = { ct: ct.map((slice) => slice.header), masks: null, maskProblem: null, noMask: maskFiles.size === 0, problems };
  if (organ === null) return { ok: true, value };
  const masks = assembleSeries(maskRecords, organ, patientName, problems, false);
  if (masks.length === 0) return { ok: true, value: { ...value, maskProblem: error(patientName, `no readable ${organ} mask for patient ${patientName}`) } };
  const { rows, columns } = ct[0].header;
  const wrongSize = masks.find((mask) => mask.header.rows !== rows || mask.header.columns !== columns);
  if (wrongSize) {
    const message = `${organ}: mask is ${wrongSize.header.rows}×${wrongSize.header.columns} but the CT is ${rows}×${columns}`;
    return { ok: true, value: { ...value, maskProblem: error(wrongSize.file, message) } };
  }
  const maskByNumber = new Map(masks.map((mask) => [mask.instanceNumber, mask.header]));
  return { ok: true, value: { ...value, masks: ct.map((slice) => maskByNumber.get(slice.instanceNumber) ?? emptyMaskLike(slice.header)) } };
}

/** A NIfTI patient: its CT volume as slices, and its label volume (when asked and it fits) as masks. */
async function loadNiftiSeries(sources: DropSources, files: PatientFiles, organ: string | null, opts: LoadOptions): Promise<Result<CtSeries>> {
  const ctPath = files.ct[0];
  const labelPath = organ === null ? undefined : files.organs[organ]?.[0];
  const wanted = [ctPath, ...(labelPath ? [labelPath] : [])];
  const lowerPaths = wanted.map((p) => p.toLowerCase());
  const read = new Map<string, Result<NiftiVolume>>();
  for await (const event of walkDrop(sources, { wantsFile: (path) => wanted.includes(path), wantsZip: (path) => zipMayHold(path, lowerPaths), zipCaps: opts.zipCaps })) {
    if ('bytes' in event && wanted.includes(event.path)) read.set(event.path, readNiftiVolume(event.bytes, event.path));
  }
  const ct = read.get(ctPath) ?? failure(ctPath, 'file not found in the drop any more (was it moved or deleted since it was scanned?)');
  if (!ct.ok) return ct;
  const value: CtSeries = { ct: niftiSlices(ct.value, 'ct'), masks: null, maskProblem: null, noMask: !labelPath, problems: [] };
  if (organ === null) return { ok: true, value };
  if (!labelPath) return { ok: true, value: { ...value, maskProblem: error(files.name, `no readable ${organ} mask for patient ${files.name}`) } };
  const label = read.get(labelPath) ?? failure(labelPath, 'file not found in the drop any more');
  if (!label.ok) return { ok: true, value: { ...value, maskProblem: label.problem } };
  const mismatch = labelMismatch(ct.value, label.value);
  if (mismatch) return { ok: true, value: { ...value, maskProblem: error(labelPath, `label volume has ${mismatch}`) } };
  return { ok: true, value: { ...value, masks: niftiSlices(label.value, 'label') } };
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
