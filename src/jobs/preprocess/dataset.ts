// A preprocessing run's dataset: the patients it made (or found cached) under one record, written last
// (commitDataset checks every patient is in the cache), so a dataset is visible only when complete. Its
// id comes from the patients' keys, so the same patients with the same settings make the same dataset
// again, keeping the name and date it was given the first time.
import type { Problem } from '../../common/types';
import { PIPELINE_VERSION, type PipelineParams } from '../../pipeline/params';
import type { CachedDataset, CachedPatient, Db } from '../../storage/schema';
import { commitDataset } from '../../storage/datasets';
import { sha256Hex } from '../../storage/hash';
import type { PreprocessOutcome } from './types';

export interface DatasetOptions {
  params: PipelineParams;
  /** The name the user gave, if any (a dataset made before keeps its name). */
  name?: string;
  /** The dataset with this id, if the cache has it already (as the page lists it). */
  existing(id: string): CachedDataset | undefined;
}

/** The dataset of `patients` under `id`; `existing`: the same dataset made before. */
export function datasetRecord(id: string, patients: CachedPatient[], params: PipelineParams, name: string | undefined, existing: CachedDataset | undefined): CachedDataset {
  return {
    id,
    name: existing?.name ?? name ?? defaultName(patients.map((m) => m.name)),
    createdAt: existing?.createdAt ?? Date.now(),
    params,
    pipelineVersion: PIPELINE_VERSION,
    patientKeys: patients.map((m) => m.key),
    patientNames: patients.map((m) => m.name),
    slices: patients.reduce((a, m) => a + m.kept, 0),
    bytes: patients.reduce((a, m) => a + m.bytes, 0),
    ...(patients.some((m) => m.groundTruth === false) ? { withoutTruth: patients.filter((m) => m.groundTruth === false).map((m) => m.key) } : {}),
  };
}

/**
 * Writes the dataset of the patients that made it through (none: no dataset) and gathers the
 * problems of those that did not.
 */
export async function commitPreprocessedDataset(db: Db, outcomes: PreprocessOutcome[], options: DatasetOptions): Promise<{ datasetId: string | null; problems: Problem[] }> {
  const done = outcomes.flatMap((o) => (o.ok ? [o.meta] : []));
  const problems = outcomes.flatMap((o) => (o.ok ? [] : [o.problem]));
  let datasetId: string | null = null;
  if (done.length > 0) {
    const keys = done.map((m) => m.key);
    datasetId = (await sha256Hex(keys.join('\n'))).slice(0, 16);
    await commitDataset(db, datasetRecord(datasetId, done, options.params, options.name, options.existing(datasetId)));
  }
  return { datasetId, problems };
}

export function defaultName(names: string[]): string {
  if (names.length === 1) return names[0];
  return `${names[0]} … ${names[names.length - 1]} (${names.length} patients)`;
}
