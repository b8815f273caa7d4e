// Store: what this tab knows about the other LiverLab tabs on the same cache. Every cache write of
// the cache store (preprocess and cache, delete, rename) runs under storage/tabSync's cache-write
// lock: when another tab is writing, this one says so and waits instead of interleaving with it
// (a delete never removes patients another tab's running ingest is about to use). After a write
// the tab announces it; the others refresh their dataset list and say what changed.
// The cache store's actions are wrapped here (once, at start) rather than edited, so the cache
// code stays about IndexedDB and this module about tabs.
import { create } from 'zustand';
import { announce, onOtherTabChange, whileWritingCache } from '../storage/tabSync';
import { useCacheStore, type CacheState } from './cacheStore';

export const WAITING_MESSAGE = 'Another LiverLab tab is writing the cache; waiting…';

export interface TabSyncState {
  /** Set while this tab waits for another tab's cache write. */
  waiting: string | null;
  /** The last change another tab made, e.g. 'Dataset “X” was deleted in another tab — list refreshed'. */
  notice: string | null;
  dismiss(): void;
}

export const useTabSyncStore = create<TabSyncState>((set) => ({
  waiting: null,
  notice: null,
  dismiss: () => set({ notice: null }),
}));

const VERB = { written: 'cached', deleted: 'deleted', renamed: 'renamed' } as const;

function datasetNames(ids: string[]): string[] {
  const all = useCacheStore.getState().datasets;
  return ids.flatMap((id) => all.filter((d) => d.id === id).map((d) => d.name));
}

/** Runs a cache write of this tab under the cross-tab lock, telling the user while it waits. */
async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await whileWritingCache(
      async () => {
        useTabSyncStore.setState({ waiting: null });
        return work();
      },
      () => useTabSyncStore.setState({ waiting: `${WAITING_MESSAGE} (${what} starts when it is done)` }),
    );
  } finally {
    useTabSyncStore.setState({ waiting: null });
  }
}

let installed = false;

/** Wraps the cache store's writes in the cross-tab lock and announcements, and listens to the other tabs. Idempotent. */
export function installCacheTabSync(): void {
  if (installed) return;
  installed = true;
  const { preprocess, remove, rename } = useCacheStore.getState();
  const wrapped: Pick<CacheState, 'preprocess' | 'remove' | 'rename'> = {
    preprocess: (patients, files, name) =>
      guarded('caching', async () => {
        await preprocess(patients, files, name);
        const id = useCacheStore.getState().run?.datasetId;
        if (id) announce({ kind: 'datasets', action: 'written', names: datasetNames([id]) });
      }),
    remove: (id) =>
      guarded('deleting', async () => {
        const names = datasetNames([id]);
        await remove(id);
        announce({ kind: 'datasets', action: 'deleted', names });
      }),
    rename: (id, name) =>
      guarded('renaming', async () => {
        await rename(id, name);
        announce({ kind: 'datasets', action: 'renamed', names: datasetNames([id]) });
      }),
  };
  useCacheStore.setState(wrapped);
  onOtherTabChange((change) => {
    if (change.kind !== 'datasets') return;
    void useCacheStore
      .getState()
      .refresh()
      .then(() => {
        const names = change.names.length ? change.names.map((n) => `“${n}”`).join(', ') : 'a dataset';
        useTabSyncStore.setState({ notice: `Dataset ${names} was ${VERB[change.action]} in another tab — list refreshed` });
      });
  });
}
