// Where `finetune --labels SOURCE` reads the corrected label from, as a 0/1 mask over the patient's
// whole CT series: a DICOM SEG or a NIfTI file (export/segmentationFile, checked against the CT's size,
// slice count, voxel size, orientation and referenced series, as the viewer opens one back), or a
// folder or zip of mask files in the 3D-IRCADb layout (MASKS_DICOM/<organ>/image_K), placed slice by
// slice by their InstanceNumbers. A label that does not fit the patient is refused with a message
// naming the file and the mismatch. Node only (reads the files); never exits.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DicomSlice } from '../dicom/types';
import { geometryFromSlices } from '../export/geometry';
import { openSegmentation } from '../export/segmentationFile';
import { scanPatients } from '../discovery/scanPatients';
import { paintRuns } from '../common/maskRuns';
import { collectNodeSources } from '../node/nodeSources';

export type CorrectionLabel = { ok: true; label: Uint8Array; format: string; note: string } | { ok: false; message: string };

/** The label SOURCE gives for `patient`, whose CT series is `ct` (discovery's order). */
export async function readCorrectionLabel(source: string, patient: string, ct: readonly DicomSlice[], organ: string): Promise<CorrectionLabel> {
  const info = await stat(source).catch(() => null);
  if (!info) return { ok: false, message: `${source}: no such file or folder` };
  const name = path.basename(source);
  if (info.isFile() && !/\.zip$/i.test(name)) {
    const bytes = new Uint8Array(await readFile(source));
    const first = ct[0];
    const opened = openSegmentation(name, bytes, {
      patient,
      width: first.columns,
      height: first.rows,
      slices: ct.length,
      spacing: geometryFromSlices(ct).spacing,
      seriesInstanceUid: first.seriesInstanceUid,
      sopInstanceUids: ct.every((c) => c.sopInstanceUid) ? ct.map((c) => c.sopInstanceUid!) : null,
    });
    return opened.ok ? { ok: true, label: opened.labels, format: opened.format, note: opened.note } : { ok: false, message: opened.message };
  }
  return maskFilesLabel(source, patient, ct, organ);
}

/** Mask files (a folder or zip): the organ's slices of the one patient they hold, by InstanceNumber. */
async function maskFilesLabel(source: string, patient: string, ct: readonly DicomSlice[], organ: string): Promise<CorrectionLabel> {
  const fail = (message: string): CorrectionLabel => ({ ok: false, message: `${source}: ${message}` });
  const drop = await collectNodeSources([source]);
  const scan = await scanPatients(drop.sources, { emptyFolders: drop.emptyFolders, checkOrgans: [organ] });
  const holding = scan.patients.filter((p) => p.organs.some((o) => o.organ === organ && o.slices.length > 0));
  if (holding.length === 0) {
    const organs = [...new Set(scan.patients.flatMap((p) => p.organs.map((o) => o.organ)))];
    return fail(`no ${organ} mask files (expected MASKS_DICOM/${organ}/image_K${organs.length > 0 ? `; found masks of ${organs.join(', ')}` : ''})`);
  }
  const chosen = holding.find((p) => p.name === patient) ?? (holding.length === 1 ? holding[0] : null);
  if (!chosen) return fail(`masks of ${holding.map((p) => p.name).join(', ')}: none is ${patient}`);
  if (chosen.name !== patient && /\d/.test(chosen.name) && chosen.name !== 'patient') return fail(`these are the masks of ${chosen.name}, not of ${patient}`);
  const series = chosen.organs.find((o) => o.organ === organ)!;
  const { rows, columns } = ct[0];
  if (series.slices.length !== ct.length) return fail(`${series.slices.length} ${organ} mask slices, but ${patient}'s CT has ${ct.length}: these masks are not of this scan`);
  const px = rows * columns;
  const label = new Uint8Array(ct.length * px);
  const index = new Map(ct.map((c, i) => [c.instanceNumber, i]));
  for (const slice of series.slices) {
    if (slice.rows !== rows || slice.columns !== columns) return fail(`${slice.file} is ${slice.columns}×${slice.rows}, ${patient}'s CT slices are ${columns}×${rows}`);
    const at = index.get(slice.instanceNumber);
    if (at === undefined) return fail(`${slice.file} has InstanceNumber ${slice.instanceNumber}, which no CT slice of ${patient} has`);
    if (!slice.foreground) return fail(`${slice.file}: its pixels could not be read`);
    paintRuns(slice.foreground, label.subarray(at * px, (at + 1) * px));
  }
  return { ok: true, label, format: 'mask files', note: `${series.slices.length} ${organ} mask slices placed by InstanceNumber` };
}

/** `--slices` as InstanceNumbers (`10,20,30` or ranges `40-45`), or why not. */
export function parseSliceList(list: string): number[] | string {
  const out: number[] = [];
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const range = /^(-?\d+)\s*-\s*(-?\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) return `${part} is an empty range`;
      for (let k = from; k <= to; k++) out.push(k);
    } else if (/^-?\d+$/.test(part)) out.push(Number(part));
    else return `${part} is not an InstanceNumber or a range like 40-45`;
  }
  if (out.length === 0) return 'no slice given: list the InstanceNumbers of the corrected slices';
  return out;
}
