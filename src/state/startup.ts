// Start-up housekeeping: remove what an interrupted ingest (crash, reload, closed tab) left
// behind, then load the cache listing. Never touches complete datasets. Also starts the
// preprocessing workers as soon as files are dropped, so "Preprocess" does not wait for them, and
// once the patients are listed has them compile the per-slice steps (jobs/preprocess/warmUp.ts) and
// hashes the patients given as zips that will be split across the pool (their lookup then reads no file).
import { openCache } from '../storage/schema';
import { sweepOrphans } from '../storage/datasets';
import { hashAheadOfSplitRuns, warmPreprocessing, warmUpPreprocessing } from '../workers/preprocessClient';
import { useCacheStore } from './cacheStore';
import { useIngestStore } from './ingestStore';

let warming = false;

/** From the first drop on, the preprocessing pool is kept loaded (idempotent). */
export function warmPreprocessingOnDrop(): void {
  if (warming) return;
  warming = true;
  useIngestStore.subscribe((state, previous) => {
    if (state.phase === 'scanning' && previous.phase !== 'scanning') void warmPreprocessing();
    if (previous.phase === 'scanning' && state.phase !== 'scanning') {
      void warmPreprocessing().then(() => warmUpPreprocessing(useCacheStore.getState().params));
      hashAheadOfSplitRuns(state.patients, state.sources);
    }
  });
}

export async function startupSweep(): Promise<void> {
  try {
    await sweepOrphans(await openCache());
  } finally {
    await useCacheStore.getState().refresh();
  }
}
