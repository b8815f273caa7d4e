// Main-thread side of exports: runs the export worker once per request and offers the file as a
// download (nothing is uploaded anywhere). The MSD zip goes where the user says with the File System
// Access API's save picker when the browser has it (written by the worker as a stream), else it is
// downloaded as a Blob that the worker built from its streamed chunks.
import { proxy, wrap } from 'comlink';
import type { ExportApi, MsdZipOutcome } from './export.worker';
import type { DroppedFile } from '../common/blobSource';
import type { MsdProgress } from '../jobs/msdExport/exportMsd';

export async function exportDatasetHdf5(id: string): Promise<Blob> {
  const worker = new Worker(new URL('./export.worker.ts', import.meta.url), { type: 'module', name: 'export' });
  try {
    const api = wrap<ExportApi>(worker);
    const { bytes } = await api.datasetToHdf5(id);
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-hdf5' });
  } finally {
    worker.terminate();
  }
}

type SavePicker = (options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;

/** Asks where to save (File System Access API); null when the browser has no save picker; 'cancelled' when the user closed it. */
export async function pickZipTarget(suggestedName: string): Promise<FileSystemFileHandle | null | 'cancelled'> {
  const picker = (globalThis as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (typeof picker !== 'function') return null;
  try {
    return await picker({ suggestedName, types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }] });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return 'cancelled';
    throw e;
  }
}

/** Writes the MSD zip in the export worker: into `target`, or downloaded as `fileName` when there is none. */
export async function exportMsdZip(files: DroppedFile[], patients: string[], organ: string, target: FileSystemFileHandle | null, fileName: string, onProgress: (p: MsdProgress) => void): Promise<MsdZipOutcome> {
  const worker = new Worker(new URL('./export.worker.ts', import.meta.url), { type: 'module', name: 'export' });
  try {
    const outcome = await wrap<ExportApi>(worker).patientsToMsdZip(files, patients, organ, target, proxy(onProgress));
    if (outcome.ok && outcome.blob) downloadBlob(outcome.blob, fileName);
    return outcome;
  } finally {
    worker.terminate();
  }
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
