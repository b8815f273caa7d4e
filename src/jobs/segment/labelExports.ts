// A clinician's edited label as files: DICOM SEG and NIfTI through the same writers as a model's
// prediction (segmentationExports.ts), described so that a reader can tell the two apart — the SEG's
// series description and segment label name the label, its content description says where it
// started (a model's prediction, the expert's mask, a file, or nothing), and its algorithm type is
// SEMIAUTOMATIC (a model's prediction corrected by hand, naming the model) or MANUAL — and the file
// names, from the patient and the label's name.
// Pure: typed arrays in, file bytes out; runs in the infer worker and in Node tests.
import type { SegDescription } from '../../export/dicomSeg';
import type { EditedLabel } from '../../storage/labelRecord';
import { niftiOverCt, segOverCt, type CtHeaders, type SegOutcome } from './segmentationExports';

/** What the exports need to know of a label (no pixels: the mask is passed on its own). */
export type LabelFileMeta = Pick<EditedLabel, 'name' | 'patientName' | 'origin' | 'model' | 'file' | 'width' | 'height' | 'slices' | 'firstSlice'>;

/** Where the label started, in words: "Starter liver model's prediction", "the expert's mask", … */
export function labelOriginText(label: Pick<LabelFileMeta, 'origin' | 'model' | 'file'>): string {
  switch (label.origin) {
    case 'prediction':
      return label.model ? `${label.model.name}'s prediction` : 'a prediction';
    case 'expert':
      return "the expert's mask";
    case 'file':
      return `the file ${label.file ?? '(unnamed)'}`;
    default:
      return 'an empty mask';
  }
}

/** The SEG's descriptions of an edited label (each cut to 64 characters by the writer). */
export function labelSegDescription(label: LabelFileMeta): SegDescription {
  return {
    seriesDescription: `LiverLab label: ${label.name}`,
    segmentLabel: 'Liver (edited label)',
    contentDescription: `Edited by hand from ${labelOriginText(label)}`,
    ...(label.origin === 'prediction' && label.model ? { algorithmType: 'SEMIAUTOMATIC', algorithmName: label.model.name } : { algorithmType: 'MANUAL' }),
  };
}

/** The file name without its extension: the patient and the label's name (which usually starts with the patient's). */
export function labelFileBase(label: Pick<LabelFileMeta, 'name' | 'patientName'>): string {
  const words = label.name.startsWith(label.patientName) ? label.name : `${label.patientName} ${label.name}`;
  return `${words.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '')}-label`;
}

/** NIfTI of the label's mask over `ct` (positioned from its headers), else from `spacing` ([row, column, slice] mm) alone. */
export function niftiOfLabel(mask: Uint8Array, label: LabelFileMeta, spacing: [number, number, number], ct: CtHeaders): { bytes: Uint8Array; positioned: boolean } {
  return niftiOverCt(mask, { ...label, spacing }, ct, `LiverLab label ${label.name} from ${labelOriginText(label)}`.slice(0, 79));
}

/** DICOM SEG of the label's mask referencing `ct` (one header per label slice), or why it cannot be made. */
export function segOfLabel(mask: Uint8Array, label: LabelFileMeta, spacing: [number, number, number], ct: CtHeaders): SegOutcome {
  return segOverCt(mask, ct, { patientName: label.patientName, sliceSpacing: spacing[2], ...labelSegDescription(label) });
}
