// Export for the cluster: dropped patients' CT and one organ's expert mask in the Medical
// Segmentation Decathlon layout (nnU-Net v2, MONAI), one case per patient — the whole CT series in
// HU (int16) from the original DICOM (the cache holds only windowed 8-bit kept slices, so it cannot
// give HU), the mask as 0/1 labels, both with the affine of the DICOM geometry — and dataset.json
// last. One patient's series is in memory at a time; each NIfTI is gzipped and handed to the writer
// slice by slice. A patient without the organ's mask (or with slices of another size) is skipped and
// said; if the writer fails (no room, a write refused) it is aborted, so no half dataset is left, and
// the error names the file being written.
// Pure: no DOM, no Node APIs; the same job for the export worker and `cli export-msd`.
import { loadCtSeries, type LoadOptions } from '../../discovery/loadPatientSeries';
import type { DropSources } from '../../discovery/walkDrop';
import { binarise } from '../../pipeline/binarise';
import { geometryFromSlices } from '../../export/geometry';
import { niftiGzipChunks } from '../../export/nifti';
import { msdCaseIds, msdDatasetJson, msdImagePath, msdLabelPath, sliceHounsfield, type MsdCaseEntry } from '../../export/msdDataset';
import { textChunks, type FileTreeWriter } from '../../export/fileTree';
import { error } from '../../common/problems';
import type { Problem, Result } from '../../common/types';

export interface MsdProgress {
  patient: string;
  /** 0-based index of the patient being written, and how many there are. */
  patientIndex: number;
  patients: number;
  /** Slices written of this patient's image (then of its label). */
  slice: number;
  slices: number;
  /** Bytes handed to the writer so far. */
  bytes: number;
}

export interface MsdCaseSummary extends MsdCaseEntry {
  slices: number;
  width: number;
  height: number;
  /** [row, column, slice] mm. */
  spacing: [number, number, number];
  positioned: boolean;
  labelVoxels: number;
  /** HU outside int16, clamped (0 for any real CT). */
  clampedVoxels: number;
}

export interface MsdExportSummary {
  organ: string;
  cases: MsdCaseSummary[];
  /** Patients left out, and why (naming the file or patient). */
  skipped: Problem[];
  bytes: number;
}

export interface MsdExportOptions extends LoadOptions {
  onProgress?: (progress: MsdProgress) => void;
  /** gzip level of the .nii.gz files (default 6; 1 is ~2× faster and ~10 % larger). */
  gzipLevel?: 1 | 6 | 9;
}

/** Writes `patients` of the drop as an MSD dataset of `organ` into `writer` (closed at the end, aborted on failure). */
export async function exportMsd(sources: DropSources, patients: readonly string[], organ: string, writer: FileTreeWriter, options: MsdExportOptions = {}): Promise<Result<MsdExportSummary>> {
  const caseIds = msdCaseIds(patients);
  const summary: MsdExportSummary = { organ, cases: [], skipped: [], bytes: 0 };
  let writing = '';
  const counted = async function* (chunks: AsyncIterable<Uint8Array>) {
    for await (const chunk of chunks) {
      summary.bytes += chunk.length;
      yield chunk;
    }
  };
  try {
    for (const [index, patient] of patients.entries()) {
      const series = await loadCtSeries(sources, patient, organ, options);
      if (!series.ok) {
        summary.skipped.push(series.problem);
        continue;
      }
      const { ct, masks, maskProblem } = series.value;
      const odd = ct.find((s) => s.rows !== ct[0].rows || s.columns !== ct[0].columns);
      if (maskProblem || !masks || odd) {
        summary.skipped.push(maskProblem ?? error(patient, odd ? `CT slices of different sizes (${odd.rows}×${odd.columns} and ${ct[0].rows}×${ct[0].columns}): not one volume` : `no ${organ} mask`));
        continue;
      }
      const caseId = caseIds[index];
      const geometry = geometryFromSlices(ct);
      const progress = (slice: number) => options.onProgress?.({ patient, patientIndex: index, patients: patients.length, slice, slices: ct.length, bytes: summary.bytes });
      let clamped = 0;
      const huSlices = function* () {
        for (const [k, slice] of ct.entries()) {
          const { hu, clamped: c } = sliceHounsfield(slice);
          clamped += c;
          progress(k);
          yield hu;
        }
      };
      let labelVoxels = 0;
      const labelSlices = function* () {
        for (const mask of masks) {
          const labels = binarise(mask.pixels, new Uint8Array(mask.pixels.length));
          for (let i = 0; i < labels.length; i++) labelVoxels += labels[i];
          yield labels;
        }
      };
      const description = `LiverLab ${patient}`;
      writing = msdImagePath(caseId);
      await writer.writeFile(writing, counted(niftiGzipChunks(geometry, 'int16', huSlices(), `${description} CT (HU)`, options.gzipLevel ?? 6)));
      writing = msdLabelPath(caseId);
      await writer.writeFile(writing, counted(niftiGzipChunks(geometry, 'labels', labelSlices(), `${description} ${organ}`, options.gzipLevel ?? 6)));
      progress(ct.length);
      summary.cases.push({ caseId, patient, slices: ct.length, width: geometry.width, height: geometry.height, spacing: geometry.spacing, positioned: geometry.fromDicom, labelVoxels, clampedVoxels: clamped });
    }
    if (summary.cases.length === 0) {
      await writer.abort();
      const why = summary.skipped.map((p) => `${p.file}: ${p.message}`).join('; ');
      return { ok: false, problem: error(patients.join(', ') || '(no patient)', `nothing to export${why ? `: ${why}` : ''}`) };
    }
    writing = 'dataset.json';
    const json = textChunks(msdDatasetJson(organ, summary.cases));
    summary.bytes += json[0].length;
    await writer.writeFile(writing, json);
    writing = '';
    await writer.close();
    return { ok: true, value: summary };
  } catch (e) {
    await writer.abort().catch(() => undefined);
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(writing ? `${writing}: ${reason}` : reason, { cause: e });
  }
}
