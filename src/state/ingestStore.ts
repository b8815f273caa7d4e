// Store: what the user dropped and the patients found in it. State plus the actions that change
// it; the scanning itself happens in workers (workers/scan.worker.ts).
import { create } from 'zustand';
import type { PatientScan } from '../discovery/types';
import type { Problem } from '../common/types';
import type { DroppedFile } from '../common/blobSource';
import { naturalCompare } from '../common/paths';
import { scanDrop, demoFiles } from '../workers/scanClient';
import { useCacheStore } from './cacheStore';

export type IngestPhase = 'idle' | 'scanning' | 'ready';

export interface ScanProgress {
  files: number;
  done: number;
  total: number | null;
}

const NO_PROGRESS: ScanProgress = { files: 0, done: 0, total: null };

export interface IngestState {
  phase: IngestPhase;
  /** The running scan: its file count, bytes read so far, and their total once known. */
  progress: ScanProgress;
  patients: PatientScan[];
  /** Problems not tied to one patient (unreadable zips, stray files). */
  problems: Problem[];
  /** The files behind the patients, kept so preprocessing can read pixels without a re-drop. */
  sources: DroppedFile[];
  lastScanMs: number | null;
  ingest(files: DroppedFile[]): Promise<void>;
  loadDemo(): Promise<void>;
  clear(): void;
}

export const useIngestStore = create<IngestState>((set, get) => ({
  phase: 'idle',
  progress: NO_PROGRESS,
  patients: [],
  problems: [],
  sources: [],
  lastScanMs: null,

  async ingest(files) {
    if (files.length === 0) return;
    const t0 = performance.now();
    set({ phase: 'scanning', progress: { files: files.length, done: 0, total: null } });
    // Mask pixels only for the organ preprocessing will use (its range plans the work); other organs'
    // and the CT's headers only — a patient's other organ masks are most of what a drop holds.
    const organ = useCacheStore.getState().params.organ;
    const result = await scanDrop(files, (done, total) => set({ progress: { files: files.length, done, total } }), [organ]);
    const names = new Set(result.patients.map((p) => p.name));
    const kept = get().patients.filter((p) => !names.has(p.name));
    set({
      phase: 'ready',
      patients: [...kept, ...result.patients].sort((a, b) => naturalCompare(a.name, b.name)),
      problems: [...get().problems, ...result.problems],
      sources: [...get().sources.filter((s) => !result.patients.some((p) => s.path.startsWith(p.name + '/'))), ...files],
      lastScanMs: performance.now() - t0,
    });
  },

  async loadDemo() {
    set({ phase: 'scanning', progress: NO_PROGRESS });
    const files = await demoFiles({ count: 3, size: 128, slices: 40, seed: 2026 });
    await get().ingest(files);
  },

  clear() {
    useCacheStore.getState().clearRun();
    set({ phase: 'idle', patients: [], problems: [], sources: [], progress: NO_PROGRESS, lastScanMs: null });
  },
}));
