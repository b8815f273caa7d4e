// The IndexedDB schema of the processed-data cache (one database: datasets, patients, slices; runs,
// checkpoints, models; edited labels) and its opener. Each version only adds stores, so an upgrade
// keeps what older versions stored.
// Patients are content-addressed (input hash + pipeline parameters + version), so re-dropping the
// same files finds them, and a dataset is only a named list of patient keys written last.
// Thin: no pixel processing here; runs in the page and in workers (IndexedDB exists in both).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { PipelineParams } from '../pipeline/params';
import type { ModelSnapshot, SavedTensor } from '../model/checkpoint';
import type { OnnxSidecar } from '../model/onnxSidecar';
import type { TrainerSettings, TrainerState } from '../model/trainer';
import type { EditedLabel } from './labelRecord';

export type { EditedLabel } from './labelRecord';

export const DB_NAME = 'liverlab';
export const DB_VERSION = 3;

/** One preprocessed patient: metadata; its slices live in `slices` under the same key. */
export interface CachedPatient {
  /** Content key: sha256 of (input files, parameters, pipeline version). */
  key: string;
  name: string;
  inputHash: string;
  params: PipelineParams;
  pipelineVersion: string;
  width: number;
  height: number;
  /** Slices in the CT series, and the organ's first/last non-empty slice (0-based, sorted). */
  sliceCount: number;
  start: number;
  end: number;
  keptFrom: number;
  keptTo: number;
  kept: number;
  /** [row, column, slice] spacing in mm. */
  spacing: [number, number, number] | null;
  /** The source files it was made from (paths relative to the drop) and their sizes. */
  sources: { path: string; size: number }[];
  /** Bytes its slices take in the cache: the packed images (~half a byte a pixel for CT), plus the masks' foreground runs. */
  bytes: number;
  createdAt: number;
  /**
   * false for a scan cached without ground truth (the drop had no mask of the organ): every slice is
   * kept (keptFrom 0 … sliceCount − 1), the masks are empty, start and end are −1. Absent: it has one.
   */
  groundTruth?: false;
}

/** One kept slice: uint8 image after CLAHE (before /255) and its 0/1 mask. */
export interface CachedSlice {
  patientKey: string;
  index: number;
  image: Uint8Array;
  mask: Uint8Array;
}

/**
 * What the `slices` store holds: a run of `count` consecutive kept slices from `index`: their images
 * PackBits-packed one after the other in one Blob (slice i ends at `packedEnds[i]`, each unpacks to
 * `pixels` = W·H bytes), and the 0/1 masks as their foreground runs (`[start, length, …]` over the
 * run's count·W·H pixels, pipeline/binarise). See storage/sliceRecords.ts. A run is one record:
 * written ~2.5× faster than a record per slice (102 slices of 512², measured in Chromium), and a
 * single slice is still read without the rest (`Blob.slice`). Masks as runs cost a few KB a slice
 * where bytes cost as much as the images (Chromium compresses typed-array values, not Blobs, and
 * compressing costs write time). Older caches are read as they are: runs without `packedEnds` hold
 * count·W·H raw image bytes, records without `count` are single slices as typed arrays, and runs
 * written before `maskRuns` carry `mask` bytes (a Blob).
 */
export interface StoredSliceRun {
  patientKey: string;
  index: number;
  count?: number;
  image: Blob | Uint8Array;
  pixels?: number;
  packedEnds?: Uint32Array;
  maskRuns?: Uint32Array;
  mask?: Blob | Uint8Array;
}

/** A named, complete dataset: visible only once every patient in it has been written. */
export interface CachedDataset {
  id: string;
  name: string;
  createdAt: number;
  params: PipelineParams;
  pipelineVersion: string;
  patientKeys: string[];
  /** Denormalised for the list view. */
  patientNames: string[];
  slices: number;
  bytes: number;
  /** Keys of its patients cached without ground truth (CachedPatient.groundTruth): never trained or validated on. */
  withoutTruth?: string[];
}

export type RunStatus = 'running' | 'paused' | 'stopped' | 'finished' | 'failed';

/** A training run: what it trains on, how, and how far it got (the history lives in `state`). */
export interface TrainingRun {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  datasetId: string;
  /** Patient cache keys and names on each side of the split. */
  train: { key: string; name: string }[];
  val: { key: string; name: string }[];
  settings: TrainerSettings;
  backend: string | null;
  state: TrainerState;
  message?: string;
  /** Set when the run is one seed of a repeat ("repeat with 3 seeds"): the repeat's id and all its seeds. */
  repeat?: { group: string; seeds: number[] };
}

/** Weights + optimizer state after an epoch: `last` to resume, `best` by validation Dice. */
export interface Checkpoint {
  runId: string;
  kind: 'last' | 'best';
  epoch: number;
  valDice: number | null;
  model: ModelSnapshot;
  optimizer: SavedTensor[];
  savedAt: number;
}

/** What the app says of the starter model it ships (public/models/starter/starter.json, made by `npm run train:starter`). */
export interface StarterAbout {
  trainedOn: string[];
  heldOut: string;
  dataset: string;
  /** Volume Dice on the held-out patient's kept slices (the epoch kept was chosen on them), and on its whole scan. */
  heldOutSlabDice: number | null;
  heldOutScanDice: number | null;
  notForClinicalUse: true;
}

/** A model the viewer can use: the best of a run, one imported from files (tfjs layers, or ONNX with its sidecar), or the starter model the app ships. */
export interface StoredModel {
  id: string;
  name: string;
  createdAt: number;
  source: 'run' | 'import' | 'starter' | 'finetune';
  /** For a fine-tuned model: the model it started from and the corrections it learned from. */
  finetune?: FinetuneOrigin;
  /** For the starter model: what it was trained on and how it did. */
  about?: StarterAbout;
  runId?: string;
  size: number;
  baseFilters: number | null;
  valDice: number | null;
  /** A tfjs layers model (every model trained here; imported model.json + .bin). Absent for ONNX. */
  model?: ModelSnapshot;
  /** An ONNX model: its bytes, file name and sidecar (what its input must be). */
  onnx?: { fileName: string; bytes: ArrayBuffer; sidecar: OnnxSidecar };
}

/** Where a fine-tuned model comes from: its parent, the corrected slices, the patients replayed so it does not forget them. */
export interface FinetuneOrigin {
  parent: { id: string | null; name: string };
  corrections: {
    patient: string;
    /** The stored label the corrections were taken from (absent: from files, e.g. the CLI). */
    labelId?: string;
    /** The corrected slices: 0-based in the CT series, and their InstanceNumbers when known. */
    slices: number[];
    instanceNumbers: (number | null)[];
  };
  replay: { patient: string; slices: number }[];
  epochs: number;
  learningRate: number;
  seconds: number;
}

export interface LiverLabDB extends DBSchema {
  datasets: { key: string; value: CachedDataset };
  patients: { key: string; value: CachedPatient; indexes: { byInput: string } };
  slices: { key: [string, number]; value: StoredSliceRun };
  runs: { key: string; value: TrainingRun };
  checkpoints: { key: [string, string]; value: Checkpoint };
  models: { key: string; value: StoredModel };
  labels: { key: string; value: EditedLabel; indexes: { byPatient: string } };
}

export type Db = IDBPDatabase<LiverLabDB>;

let opening: Promise<Db> | null = null;

export function openCache(name = DB_NAME): Promise<Db> {
  if (name !== DB_NAME) return openAt(name);
  opening ??= openAt(name);
  return opening;
}

function openAt(name: string): Promise<Db> {
  return openDB<LiverLabDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        const patients = db.createObjectStore('patients', { keyPath: 'key' });
        patients.createIndex('byInput', 'inputHash');
        db.createObjectStore('slices', { keyPath: ['patientKey', 'index'] });
      }
      if (oldVersion < 2) {
        db.createObjectStore('runs', { keyPath: 'id' });
        db.createObjectStore('checkpoints', { keyPath: ['runId', 'kind'] });
        db.createObjectStore('models', { keyPath: 'id' });
      }
      if (oldVersion < 3) {
        const labels = db.createObjectStore('labels', { keyPath: 'id' });
        labels.createIndex('byPatient', 'patientKey');
      }
    },
    blocking() {
      // Another tab wants a newer schema: let it, and reopen on next use.
      opening = null;
    },
  });
}
