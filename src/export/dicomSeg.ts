// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- dcmjs ships no types, and tsconfig.node (tests, CLI) does not include src/export/*.d.ts
/// <reference path="./dcmjs.d.ts" />
// DICOM SEG (Segmentation Storage, binary, one segment "Liver" coded in SNOMED CT) for a predicted
// mask or an edited label (its descriptions and algorithm type say which), referencing the CT slices it was computed on by their SOP Instance UIDs, and a reader that
// gives the same voxels back. The dataset is built as dcmjs's naturalized JSON and written by dcmjs
// (explicit VR little endian), so the IOD's structure is ours and the encoding is a kept library's.
// Pure: typed arrays and dcmjs only; runs in Node, workers and the tab. Never writes a SEG that
// cannot say which CT it belongs to: the source slices' UIDs are required (see `SegSource`).
import dcmjs from 'dcmjs';
import { makeUid } from '../dicom/write';
import { slicePosition, type VolumeGeometry } from './geometry';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** The CT series a SEG is derived from: one entry in `slices` per mask slice, in the same order. */
export interface SegSource {
  patientName: string;
  patientId?: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** The CT's FrameOfReferenceUID; null → one derived from the CT series UID (the CT has none or it was not read). */
  frameOfReferenceUid: string | null;
  sopClassUid?: string;
  sopInstanceUids: string[];
  geometry: VolumeGeometry;
}

/** How a segment was made (PS3.3 C.8.20.4): by a model, a model's output corrected by hand, or by hand. */
export type SegAlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

/** What a SEG says of itself, so a reader can tell a model's prediction from a clinician's label (LO values: 64 characters at most). */
export interface SegDescription {
  seriesDescription?: string;
  /** SegmentAlgorithmName; left out for a MANUAL segment. */
  algorithmName?: string;
  algorithmType?: SegAlgorithmType;
  segmentLabel?: string;
  contentDescription?: string;
}

export interface SegOptions extends SegDescription {
  /** Fixes the new UIDs (tests, reproducible exports); default: random. */
  uidSeed?: string;
}

const LIVER_CATEGORY = { CodeValue: '123037004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' };
const LIVER_TYPE = { CodeValue: '10200004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Liver' };
const SOURCE_IMAGE_PURPOSE = { CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' };
const SEGMENTATION_DERIVATION = { CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' };

/** A binary SEG with every slice as a frame (empty ones too), so reading it back needs no guessing. */
export function writeDicomSeg(labels: Uint8Array, source: SegSource, options: SegOptions = {}): Uint8Array {
  const g = source.geometry;
  const px = g.width * g.height;
  if (labels.length !== px * g.slices) throw new RangeError(`writeDicomSeg: ${labels.length} labels for ${g.slices} slices of ${g.width}×${g.height}`);
  if (source.sopInstanceUids.length !== g.slices) throw new RangeError(`writeDicomSeg: ${source.sopInstanceUids.length} source UIDs for ${g.slices} slices`);
  const algorithmType = options.algorithmType ?? 'AUTOMATIC';
  const lo = (text: string) => text.slice(0, 64);
  const seed = options.uidSeed ?? `${Date.now()}-${Math.random()}`;
  const sopInstanceUid = makeUid('LiverLab SEG', seed, source.seriesInstanceUid, 'instance');
  const seriesInstanceUid = makeUid('LiverLab SEG', seed, source.seriesInstanceUid, 'series');
  const frameOfReferenceUid = source.frameOfReferenceUid ?? makeUid('LiverLab frame of reference', source.seriesInstanceUid);
  const ctClass = source.sopClassUid ?? CT_IMAGE_STORAGE;
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  const orientation = [...g.rowDirection, ...g.columnDirection];
  const frames = Array.from({ length: g.slices }, (_, k) => ({
    FrameContentSequence: [{ DimensionIndexValues: [1, k + 1] }],
    PlanePositionSequence: [{ ImagePositionPatient: slicePosition(g, k).map(ds) }],
    SegmentIdentificationSequence: [{ ReferencedSegmentNumber: 1 }],
    DerivationImageSequence: [
      {
        SourceImageSequence: [{ ReferencedSOPClassUID: ctClass, ReferencedSOPInstanceUID: source.sopInstanceUids[k], PurposeOfReferenceCodeSequence: [SOURCE_IMAGE_PURPOSE] }],
        DerivationCodeSequence: [SEGMENTATION_DERIVATION],
      },
    ],
  }));
  const dimensionOrganizationUid = makeUid('LiverLab SEG', seed, 'dimensions');
  const dataset = {
    SOPClassUID: SEGMENTATION_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    SpecificCharacterSet: 'ISO_IR 192', // UTF-8, as dcmjs writes strings: names and descriptions beyond ASCII read back as written
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentDate: date,
    ContentTime: time,
    SeriesDate: date,
    SeriesTime: time,
    Modality: 'SEG',
    Manufacturer: 'LiverLab',
    ManufacturerModelName: 'LiverLab UNet',
    SoftwareVersions: '0.1',
    DeviceSerialNumber: '1',
    PatientName: source.patientName,
    PatientID: source.patientId ?? source.patientName,
    PatientBirthDate: '',
    PatientSex: '',
    StudyInstanceUID: source.studyInstanceUid,
    StudyDate: '',
    StudyTime: '',
    StudyID: '',
    AccessionNumber: '',
    ReferringPhysicianName: '',
    SeriesInstanceUID: seriesInstanceUid,
    SeriesNumber: 300,
    SeriesDescription: lo(options.seriesDescription ?? 'LiverLab liver segmentation'),
    InstanceNumber: 1,
    FrameOfReferenceUID: frameOfReferenceUid,
    PositionReferenceIndicator: '',
    ContentLabel: 'LIVER',
    ContentDescription: lo(options.contentDescription ?? 'Liver predicted by a LiverLab UNet'),
    ContentCreatorName: 'LiverLab',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: g.slices,
    Rows: g.height,
    Columns: g.width,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: source.seriesInstanceUid,
        ReferencedInstanceSequence: source.sopInstanceUids.map((uid) => ({ ReferencedSOPClassUID: ctClass, ReferencedSOPInstanceUID: uid })),
      },
    ],
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' },
      { DimensionOrganizationUID: dimensionOrganizationUid, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'ImagePositionPatient' },
    ],
    SegmentSequence: [
      {
        SegmentNumber: 1,
        SegmentLabel: lo(options.segmentLabel ?? 'Liver'),
        SegmentAlgorithmType: algorithmType,
        ...(algorithmType === 'MANUAL' ? {} : { SegmentAlgorithmName: lo(options.algorithmName ?? 'LiverLab UNet') }),
        SegmentedPropertyCategoryCodeSequence: [LIVER_CATEGORY],
        SegmentedPropertyTypeCodeSequence: [LIVER_TYPE],
        RecommendedDisplayCIELabValue: [36327, 58473, 47711],
      },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: orientation.map(ds) }],
        PixelMeasuresSequence: [{ PixelSpacing: [ds(g.spacing[0]), ds(g.spacing[1])], SliceThickness: ds(g.spacing[2]), SpacingBetweenSlices: ds(g.spacing[2]) }],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames,
    PixelData: packBits(labels).buffer,
    _vrMap: { PixelData: 'OB' },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SEGMENTATION_STORAGE,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: makeUid('LiverLab', 'implementation', 1),
    ImplementationVersionName: 'LIVERLAB_0_1',
  };
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

export interface ReadSeg {
  rows: number;
  columns: number;
  frames: number;
  seriesDescription: string | null;
  segmentLabels: string[];
  segmentAlgorithmTypes: string[];
  /** The CT series and the CT slice each frame was derived from, in frame order. */
  referencedSeriesUid: string | null;
  referencedSopInstanceUids: string[];
  /** ImagePositionPatient of each frame. */
  positions: [number, number, number][];
  frameOfReferenceUid: string | null;
  /** frames × rows × columns, 0/1 (segment 1). */
  labels: Uint8Array;
}

/** Reads a binary SEG (as written here, or any single-segment binary SEG) back to 0/1 frames. */
export function readDicomSeg(bytes: Uint8Array): ReadSeg {
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  const buffer = bytes.slice().buffer;
  const ds = DicomMetaDictionary.naturalizeDataset(DicomMessage.readFile(buffer).dict) as Record<string, unknown> & {
    Rows: number;
    Columns: number;
    NumberOfFrames: number | string;
    BitsAllocated: number;
    SOPClassUID: string;
  };
  if (ds.SOPClassUID !== SEGMENTATION_STORAGE) throw new Error(`not a DICOM SEG (SOP class ${ds.SOPClassUID})`);
  if (ds.BitsAllocated !== 1) throw new Error(`only binary SEGs are read (BitsAllocated ${ds.BitsAllocated})`);
  const rows = ds.Rows;
  const columns = ds.Columns;
  const frames = Number(ds.NumberOfFrames);
  const pixelData = ds.PixelData as ArrayBuffer[] | ArrayBuffer;
  const packed = new Uint8Array(Array.isArray(pixelData) ? pixelData[0] : pixelData);
  const perFrame = (ds.PerFrameFunctionalGroupsSequence ?? []) as Record<string, unknown>[];
  const first = <T>(v: unknown): T | undefined => (Array.isArray(v) ? (v[0] as T) : (v as T | undefined));
  const referencedSopInstanceUids = perFrame.map((f) => {
    const derivation = first<Record<string, unknown>>(f.DerivationImageSequence);
    const sourceImage = first<Record<string, unknown>>(derivation?.SourceImageSequence);
    return String(sourceImage?.ReferencedSOPInstanceUID ?? '');
  });
  const positions = perFrame.map((f) => {
    const p = first<Record<string, unknown>>(f.PlanePositionSequence)?.ImagePositionPatient as (number | string)[] | undefined;
    return (p ?? [0, 0, 0]).map(Number) as [number, number, number];
  });
  const series = first<Record<string, unknown>>(ds.ReferencedSeriesSequence);
  const segments = (Array.isArray(ds.SegmentSequence) ? ds.SegmentSequence : [ds.SegmentSequence]) as Record<string, unknown>[];
  return {
    rows,
    columns,
    frames,
    seriesDescription: typeof ds.SeriesDescription === 'string' ? ds.SeriesDescription : null,
    segmentLabels: segments.map((s) => String(s.SegmentLabel ?? '')),
    segmentAlgorithmTypes: segments.map((s) => String(s.SegmentAlgorithmType ?? '')),
    referencedSeriesUid: series ? String(series.SeriesInstanceUID) : null,
    referencedSopInstanceUids,
    positions,
    frameOfReferenceUid: typeof ds.FrameOfReferenceUID === 'string' ? ds.FrameOfReferenceUID : null,
    labels: unpackBits(packed, frames * rows * columns),
  };
}

/** 1 bit per voxel, least significant bit first, frames back to back (PS3.5 8.1.1). */
export function packBits(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(labels.length / 8) + (Math.ceil(labels.length / 8) % 2));
  for (let i = 0; i < labels.length; i++) if (labels[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

export function unpackBits(packed: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (packed[i >> 3] >> (i & 7)) & 1;
  return out;
}

/** A DS value of at most 16 characters. */
function ds(value: number): number {
  return Number(value.toPrecision(10));
}
