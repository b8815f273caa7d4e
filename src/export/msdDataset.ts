// The Medical Segmentation Decathlon layout that nnU-Net v2 and MONAI read, as data: which files a
// dataset has (`imagesTr/<case>_0000.nii.gz`, `labelsTr/<case>.nii.gz`, `dataset.json`), the
// dataset.json itself (nnU-Net v2's channel_names / labels / numTraining / file_ending, MONAI's
// `training` list, and the source, licence and reference of the 3D-IRCADb-01 data), and the CT
// numbers a case image holds: Hounsfield units by the DICOM modality LUT (stored · slope + intercept),
// not the reference pipeline's int16 quirks (pipeline/hounsfield.ts), because nnU-Net and MONAI
// normalise HU themselves.
// Pure: strings and typed arrays; no DOM, no Node APIs. Never writes a file (export/fileTree.ts does).
import type { DicomSlice } from '../dicom/types';

/** A case identifier nnU-Net and MONAI accept: letters, digits, '-' and '_' (e.g. 3Dircadb1.17 → 3Dircadb1_17). */
export function msdCaseId(patientName: string): string {
  const id = patientName.replace(/[^A-Za-z0-9-]+/g, '_').replace(/^_+|_+$/g, '');
  return id || 'case';
}

/** Case ids for these patients, made unique in order (a second "a b" and "a_b" become a_b_2). */
export function msdCaseIds(patientNames: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return patientNames.map((name) => {
    const base = msdCaseId(name);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

export const MSD_FILE_ENDING = '.nii.gz';

export const msdImagePath = (caseId: string) => `imagesTr/${caseId}_0000${MSD_FILE_ENDING}`;
export const msdLabelPath = (caseId: string) => `labelsTr/${caseId}${MSD_FILE_ENDING}`;

/** Where the data came from, said in dataset.json (the 3D-IRCADb-01 terms of use). */
export const IRCADB_SOURCE = {
  reference: 'L. Soler et al., 3D image reconstruction for comparison of algorithm database: a patient-specific anatomical and medical image database, IRCAD, Strasbourg, 2010 (3D-IRCADb-01)',
  licence: '3D-IRCADb-01: provided by IRCAD for research and education only; cite the reference; no commercial redistribution. A mask derived from LiTS (e.g. the 3Dircadb1.1 liver of the test data) is CC BY-NC-SA 4.0: cite Bilic et al., The Liver Tumor Segmentation Benchmark (LiTS), Medical Image Analysis 84 (2023) 102680',
  release: '3D-IRCADb-01, exported by LiverLab',
};

export interface MsdCaseEntry {
  caseId: string;
  /** The patient it came from (as LiverLab names it). */
  patient: string;
}

/** dataset.json for nnU-Net v2 (channel_names, labels, numTraining, file_ending) that MONAI's load_decathlon_datalist also reads (`training`). */
export function msdDatasetJson(organ: string, cases: readonly MsdCaseEntry[], source = IRCADB_SOURCE): string {
  const json = {
    name: `LiverLab ${organ}`,
    description: `${organ} segmentation of CT (HU, int16) exported by LiverLab from 3D-IRCADb-01 DICOM; label 1 is the expert's ${organ} mask`,
    reference: source.reference,
    licence: source.licence,
    release: source.release,
    tensorImageSize: '3D',
    channel_names: { '0': 'CT' },
    labels: { background: 0, [organ]: 1 },
    numTraining: cases.length,
    file_ending: MSD_FILE_ENDING,
    training: cases.map((c) => ({ image: `./${msdImagePath(c.caseId)}`, label: `./${msdLabelPath(c.caseId)}` })),
    test: [],
    liverlab: { organ, cases: cases.map((c) => ({ case: c.caseId, patient: c.patient })) },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * A CT slice's Hounsfield units (DICOM modality LUT: stored · RescaleSlope + RescaleIntercept),
 * rounded and clamped to int16. Returns the count of clamped voxels so the caller can say so.
 */
export function sliceHounsfield(slice: Pick<DicomSlice, 'pixels' | 'rescaleSlope' | 'rescaleIntercept'>, out = new Int16Array(slice.pixels.length)): { hu: Int16Array; clamped: number } {
  const { pixels, rescaleSlope: slope, rescaleIntercept: intercept } = slice;
  let clamped = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = Math.round(pixels[i] * slope + intercept);
    if (v > 32767 || v < -32768) {
      clamped++;
      out[i] = v > 0 ? 32767 : -32768;
    } else out[i] = v;
  }
  return { hu: out, clamped };
}
