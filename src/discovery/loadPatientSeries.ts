// Loading one patient's series for preprocessing: re-reads only that patient's CT files and one organ's
// mask files from the drop (zip entries of other patients and organs are not inflated), ordered the same
// way the scan ordered them, masks aligned to the CT index for index.
// Pure: no DOM, no Node APIs; runs in Node, workers and the CLI.
import { walkDrop, type DropSources, type ZipCaps } from './walkDrop';
import { assembleSeries, type HeaderRecord } from './assembleSeries';
import { DEFAULT_PATIENT_NAME, classifyPath, classifyZip, type LocatedRole } from './layout';
import { readSliceAsync } from '../dicom/parse';
import { failure } from '../common/problems';
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
    const slice = await readSliceAsync(event.bytes, event.path);
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
