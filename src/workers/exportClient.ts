// Main-thread side of exports: runs the export worker once per request and offers the file as a
// download (nothing is uploaded anywhere).
import { wrap } from 'comlink';
import type { ExportApi } from './export.worker';

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
