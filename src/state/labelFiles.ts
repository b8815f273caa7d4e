// The edited label as files, and files as labels. "Export DICOM SEG" / "Export NIfTI" send the mask
// on screen to the infer worker, which writes it with the prediction's writers (jobs/segment/
// labelExports.ts) over the CT slices it covers, read from the dropped originals (a SEG needs them; a
// NIfTI without them is positioned from the spacing only, and the message says so). "Open a label
// file…" reads a DICOM SEG or NIfTI, checks it against the patient on screen (openSegmentation.ts)
// and makes a draft label of it (origin: the file), for the user to correct and save as a new label.
// Nothing here writes IndexedDB: a file that does not fit only gives a message naming it and the
// problem. labelStore.ts calls these and keeps the state.
import { transfer } from 'comlink';
import { inferWorker } from '../workers/inferClient';
import { downloadBlob } from '../workers/exportClient';
import { newLabel, type EditedLabel } from '../storage/labelRecord';
import { labelFileBase, type LabelFileMeta } from '../jobs/segment/labelExports';
import { useViewerStore } from './viewerStore';
import { cachedPatientOf, originalsOf, patientOnScreen } from './currentPatient';
import { readSegmentationFile } from './openSegmentation';

export type LabelFileKind = 'seg' | 'nifti';

/** Offers `mask` (the label on screen, a fresh copy: it is handed to the worker) as a DICOM SEG or NIfTI download; returns what to tell the user. */
export async function exportLabelFile(kind: LabelFileKind, label: EditedLabel, mask: Uint8Array): Promise<string> {
  const { volume } = useViewerStore.getState();
  if (!volume) return 'open the patient first';
  const { name, patientName, origin, model, file, width, height, slices, firstSlice } = label;
  const meta: LabelFileMeta = { name, patientName, origin, model, file, width, height, slices, firstSlice };
  const shown = patientOnScreen();
  const originals = shown?.name ? originalsOf(shown.name) : null;
  const base = labelFileBase(label);
  const where = `${slices} slices from slice ${firstSlice + 1} of the series`;
  try {
    const api = inferWorker();
    if (kind === 'nifti') {
      const { bytes, positioned, reason } = await api.exportLabelNifti(transfer(mask, [mask.buffer]), meta, volume.spacing, originals);
      downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/gzip' }), `${base}.nii.gz`);
      return positioned
        ? `${base}.nii.gz saved (${where}, positioned from the DICOM headers)`
        : `${base}.nii.gz saved (${where}), positioned from the spacing only (origin 0, axial): ${reason ?? 'the CT headers give no position'}`;
    }
    const seg = await api.exportLabelSeg(transfer(mask, [mask.buffer]), meta, volume.spacing, originals);
    if ('problem' in seg) return `no DICOM SEG was saved: ${seg.problem}`;
    downloadBlob(new Blob([seg.bytes as Uint8Array<ArrayBuffer>], { type: 'application/dicom' }), `${base}.seg.dcm`);
    return `${base}.seg.dcm saved (references the ${where} it segments)`;
  } catch (e) {
    return `export failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** A DICOM SEG or NIfTI file as a draft label of the patient on screen (not stored), or why it cannot be one. */
export async function labelFromFile(file: File, id: string): Promise<{ draft: EditedLabel; mask: Uint8Array; message: string } | { message: string }> {
  const { volume, patientKey, source } = useViewerStore.getState();
  const shown = patientOnScreen();
  if (!volume || !patientKey || !shown) return { message: `${file.name}: open a patient first; nothing was changed` };
  const opened = await readSegmentationFile(file, volume, shown);
  if (useViewerStore.getState().volume !== volume) return { message: `${file.name}: another patient or image source came on screen meanwhile; nothing was changed` };
  if (!opened.ok) return { message: opened.message };
  const cached = await cachedPatientOf(patientKey);
  const patientName = shown.name ?? volume.name;
  const draft = newLabel(
    {
      id,
      name: `${patientName} · from ${file.name}`,
      patientKey,
      patientName,
      width: volume.width,
      height: volume.height,
      slices: volume.slices,
      firstSlice: source === 'cache' ? (cached?.keptFrom ?? 0) : 0,
      origin: 'file',
      model: null,
      file: file.name,
    },
    opened.labels,
  );
  let voxels = 0;
  for (const v of opened.labels) voxels += v;
  return { draft, mask: opened.labels, message: `${file.name}: ${opened.format} opened as a new label, not saved yet (${voxels} voxels; ${opened.note})` };
}
