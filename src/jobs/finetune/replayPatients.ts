// Which cached patients a fine-tune in the tab replays beside the corrections, so the model keeps what
// it knew: the patients the model learned from, as far as the cache holds them. A model trained here:
// its run's training patients. The starter model (no run in the browser): cached patients with the
// names it was trained on (3Dircadb1.17, once the user has cached it). A fine-tuned model: what its
// parent learned from, up the chain. Never the corrected patient, never a patient without ground truth.
import type { CachedDataset, Db, StoredModel, TrainingRun } from '../../storage/schema';
import { listDatasets, listPatients } from '../../storage/datasets';
import { getModel, getRun } from '../../storage/runs';

/** Longest chain of fine-tunes followed back to the model that was trained. */
const MAX_ANCESTORS = 16;

type ModelOrigin = Pick<StoredModel, 'runId' | 'about' | 'finetune'>;

/**
 * The cache keys to replay for the model whose origins are `chain` (the model, then its parent, and
 * so on): the first of them that was trained (a run, or the starter's named patients) decides.
 */
export function replayKeys(chain: { model: ModelOrigin; run?: Pick<TrainingRun, 'train'> }[], datasets: Pick<CachedDataset, 'patientKeys' | 'patientNames' | 'withoutTruth'>[], correctedKey: string): string[] {
  for (const { model, run } of chain) {
    let keys: string[] | null = null;
    if (run) keys = run.train.map((t) => t.key);
    else if (model.about?.trainedOn.length) keys = model.about.trainedOn.flatMap((name) => cachedKeyNamed(datasets, name) ?? []);
    if (keys) return [...new Set(keys)].filter((k) => k !== correctedKey);
  }
  return [];
}

/** The first cached patient called `name` that has ground truth. */
function cachedKeyNamed(datasets: Pick<CachedDataset, 'patientKeys' | 'patientNames' | 'withoutTruth'>[], name: string): string | null {
  for (const d of datasets) {
    const i = d.patientNames.findIndex((n, j) => n === name && !d.withoutTruth?.includes(d.patientKeys[j]));
    if (i >= 0) return d.patientKeys[i];
  }
  return null;
}

/** The cached patients (with ground truth) to replay when fine-tuning `model` on corrections of patient `correctedKey`. */
export async function replayPatients(db: Db, model: StoredModel, correctedKey: string) {
  const chain: { model: ModelOrigin; run?: TrainingRun }[] = [];
  let current: StoredModel | undefined = model;
  while (current && chain.length < MAX_ANCESTORS) {
    chain.push({ model: current, run: current.runId ? await getRun(db, current.runId) : undefined });
    const parentId: string | null | undefined = current.finetune?.parent.id;
    current = parentId ? await getModel(db, parentId) : undefined;
  }
  const keys = replayKeys(chain, await listDatasets(db), correctedKey);
  return (await listPatients(db, keys)).filter((p) => p.groundTruth !== false);
}
