// Start-up housekeeping: remove what an interrupted ingest (crash, reload, closed tab) left
// behind, then load the cache listing. Never touches complete datasets.
import { openCache } from '../storage/schema';
import { sweepOrphans } from '../storage/datasets';
import { useCacheStore } from './cacheStore';

export async function startupSweep(): Promise<void> {
  try {
    await sweepOrphans(await openCache());
  } finally {
    await useCacheStore.getState().refresh();
  }
}
