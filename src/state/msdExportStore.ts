// Store: the export for nnU-Net / MONAI (a Medical Segmentation Decathlon zip) — which patients, its
// progress and its outcome. The HU images come from the dropped original DICOM, which the ingest
// store still holds: the cache keeps only windowed 8-bit slices, so a cached patient whose originals
// are not loaded cannot be exported, and the message says which to drop again. The writing happens
// in the export worker (workers/exportClient.ts).
import { create } from 'zustand';
import type { DroppedFile } from '../common/blobSource';
import type { MsdProgress } from '../jobs/msdExport/exportMsd';
import { exportMsdZip, pickZipTarget } from '../workers/exportClient';
import { originalFilesOf } from './currentPatient';

export interface MsdExportState {
  /** What is being (or was last) exported, e.g. a dataset id or 'dropped'. */
  owner: string | null;
  running: boolean;
  progress: MsdProgress | null;
  message: string | null;
  failed: boolean;
  exportPatients(owner: string, patients: string[], organ: string, name: string): Promise<void>;
}

/** A file name nnU-Net can use as a dataset folder name after unzipping (Dataset501_<name>). */
export function msdZipName(name: string): string {
  return `Dataset501_${name.replace(/[^A-Za-z0-9-]+/g, '_').replace(/^_+|_+$/g, '') || 'LiverLab'}.zip`;
}

export const useMsdExportStore = create<MsdExportState>((set, get) => ({
  owner: null,
  running: false,
  progress: null,
  message: null,
  failed: false,

  async exportPatients(owner, patients, organ, name) {
    if (get().running) return;
    const missing = patients.filter((p) => !originalFilesOf(p));
    if (missing.length > 0) {
      set({
        owner,
        failed: true,
        progress: null,
        message: `The original DICOM files of ${missing.join(', ')} are not loaded: drop them again. The cache holds only windowed 8-bit slices, not the HU an nnU-Net / MONAI dataset needs.`,
      });
      return;
    }
    const fileName = msdZipName(name);
    const target = await pickZipTarget(fileName).catch((e: unknown) => e as Error);
    if (target === 'cancelled') return;
    if (target instanceof Error) {
      set({ owner, failed: true, message: `could not open the file to save to: ${target.message}` });
      return;
    }
    const byPath = new Map<string, DroppedFile>();
    for (const p of patients) for (const f of originalFilesOf(p) ?? []) byPath.set(f.path, f);
    set({ owner, running: true, failed: false, progress: null, message: `exporting ${patients.length} ${patients.length === 1 ? 'patient' : 'patients'}…` });
    const t0 = performance.now();
    try {
      const outcome = await exportMsdZip([...byPath.values()], patients, organ, target, fileName, (progress) => set({ progress }));
      if (!outcome.ok) {
        set({ running: false, failed: true, message: `export failed, nothing was saved: ${outcome.message}` });
        return;
      }
      const { cases, skipped, bytes } = outcome.summary;
      const where = target ? target.name : fileName;
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      const skippedText = skipped.length > 0 ? ` Skipped: ${skipped.map((p) => `${p.file}: ${p.message}`).join('; ')}.` : '';
      set({ running: false, failed: false, message: `${where}: ${cases.length} ${cases.length === 1 ? 'case' : 'cases'} (${cases.map((c) => c.caseId).join(', ')}), ${(bytes / 1048576).toFixed(1)} MiB in ${seconds} s.${skippedText}` });
    } catch (e) {
      set({ running: false, failed: true, message: `export failed, nothing was saved: ${e instanceof Error ? e.message : String(e)}` });
    }
  },
}));
