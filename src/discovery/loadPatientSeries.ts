// Loading one patient's series: re-reads only that patient's CT files and (when asked) one organ's
// mask files from the drop (zip entries of other patients and organs are not inflated), ordered the
// same way the scan ordered them (assembleSeries: InstanceNumber, else ImagePositionPatient, else file
// name), masks aligned to the CT index for index. Preprocessing needs the mask; segmentation
// (jobs/segment) takes the CT alone when the patient has no mask of the organ.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { walkDrop, type DropSources, type ZipCaps } from './walkDrop';
import { assembleSeries, type HeaderRecord } from './assembleSeries';
import { DEFAULT_PATIENT_NAME, classifyPath, classifyZip, type LocatedRole } from './layout';
import { readSliceAsync } from '../dicom/parse';
import { error, failure } from '../common/problems';
import type { DicomSlice } from '../dicom/types';
import type { Problem, Result } from '../common/types';

export interface LoadOptions {
  fallbackName?: string;
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
  /** What ordering the series said: mixed series, missing InstanceNumbers, duplicates, odd sizes. */
  problems: Problem[];
}

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
  const series = await loadCtSeries(sources, patientName, organ, opts);
  if (!series.ok) return series;
  const { ct, masks, maskProblem } = series.value;
  return maskProblem || !masks ? { ok: false, problem: maskProblem ?? error(patientName, `no ${organ} mask`) } : { ok: true, value: { ct, masks } };
}

/**
 * `patientName`'s CT series, and `organ`'s mask aligned to it when an organ is given: a missing or
 * mis-sized mask is not a failure here but `maskProblem` (segmentation goes on without ground
 * truth). Fails only when no CT slice can be read.
 */
export async function loadCtSeries(
  sources: DropSources,
  patientName: string,
  organ: string | null,
  opts: LoadOptions = {},
): Promise<Result<CtSeries>> {
  const fallbackName = opts.fallbackName ?? DEFAULT_PATIENT_NAME;
  const wants = (role: LocatedRole | null): boolean =>
    role !== null && role.patient === patientName && (role.kind === 'ct' || (organ !== null && role.organ === organ));
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
    const slice = await readSliceAsync(event.bytes, event.path);
    if (!slice.ok) continue;
    (role.kind === 'ct' ? ctRecords : maskRecords).push({ file: event.path, header: slice.value });
  }

  const problems: Problem[] = [];
  const ct = assembleSeries(ctRecords, 'PATIENT_DICOM', patientName, problems);
  if (ct.length === 0) return failure(patientName, `no readable CT slice for patient ${patientName}`);
  const value: CtSeries = { ct: ct.map((slice) => slice.header), masks: null, maskProblem: null, problems };
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
