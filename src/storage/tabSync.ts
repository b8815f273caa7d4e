// Several LiverLab tabs share one IndexedDB. This module keeps them from stepping on each other
// and tells each what the others did:
// - a Web Lock per training run, so two tabs never train (and checkpoint) the same run at once;
// - a Web Lock around cache writes (preprocessing, deleting, renaming), so one tab's write waits
//   for another's to finish instead of interleaving with it, and the waiting tab can say so;
// - a BroadcastChannel on which a tab announces what it changed in the cache, the runs, the models or the labels, so the
//   other tabs refresh their lists.
// Browsers without Web Locks or BroadcastChannel (Node, old browsers) run the work unguarded and
// announce nothing. No IndexedDB here: callers pass the work.

const CACHE_WRITE_LOCK = 'liverlab-cache-write';
const RUN_LOCK_PREFIX = 'liverlab-run:';
const CHANNEL = 'liverlab-tabs';

/** What a tab changed, as announced to the others. */
export type TabChange =
  | { kind: 'datasets'; action: 'written' | 'deleted' | 'renamed'; names: string[] }
  | { kind: 'runs'; runId: string }
  /** A model was stored (imported, fine-tuned) or deleted. */
  | { kind: 'models' }
  /** A label of that patient was saved or deleted. */
  | { kind: 'labels'; patientKey: string };

interface Envelope {
  tab: string;
  change: TabChange;
}

/** This tab's id on the channel (a tab ignores its own messages). */
export const TAB_ID = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

function locks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

let channel: BroadcastChannel | null = null;
function sharedChannel(): BroadcastChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  channel ??= new BroadcastChannel(CHANNEL);
  return channel;
}

/** Tells the other tabs what this tab changed. */
export function announce(change: TabChange): void {
  sharedChannel()?.postMessage({ tab: TAB_ID, change } satisfies Envelope);
}

/** Calls `listener` for every change another tab announces; returns the unsubscribe function. */
export function onOtherTabChange(listener: (change: TabChange) => void): () => void {
  const ch = sharedChannel();
  if (!ch) return () => {};
  const handler = (e: MessageEvent<Envelope>) => {
    if (e.data?.tab !== TAB_ID && e.data?.change) listener(e.data.change);
  };
  ch.addEventListener('message', handler);
  return () => ch.removeEventListener('message', handler);
}

/**
 * Runs `work` holding the exclusive cache-write lock. When another tab holds it, `onWait` is
 * called first (to tell the user) and `work` starts once that tab is done. Released when `work`
 * settles, or when the tab holding it closes or reloads.
 */
export async function whileWritingCache<T>(work: () => Promise<T>, onWait?: () => void): Promise<T> {
  const lm = locks();
  if (!lm) return work();
  const now = await lm.request(CACHE_WRITE_LOCK, { ifAvailable: true }, async (lock) => (lock ? { value: await work() } : null));
  if (now) return now.value;
  onWait?.();
  return lm.request(CACHE_WRITE_LOCK, work);
}

export type RunLockResult<T> = { held: true; value: T } | { held: false };

/**
 * Runs `work` holding run `runId`'s lock, or returns { held: false } at once when another tab
 * trains that run. The lock lasts for the whole run in this tab (all backends of a fallback), so
 * checkpoints of one run are only ever written by one tab.
 */
export async function withRunLock<T>(runId: string, work: () => Promise<T>): Promise<RunLockResult<T>> {
  const lm = locks();
  if (!lm) return { held: true, value: await work() };
  return lm.request(`${RUN_LOCK_PREFIX}${runId}`, { ifAvailable: true }, async (lock): Promise<RunLockResult<T>> => (lock ? { held: true, value: await work() } : { held: false }));
}

/**
 * Resolves once no tab holds run `runId`'s lock: the tab training it finished, or closed or reloaded
 * (and so could not announce it). At once without Web Locks. The wait is a shared request, granted
 * when the trainer's exclusive lock goes and released at once.
 */
export async function runLockReleased(runId: string): Promise<void> {
  const lm = locks();
  if (!lm) return;
  await lm.request(`${RUN_LOCK_PREFIX}${runId}`, { mode: 'shared' }, async () => {});
}

/** Ids of the runs some tab (this one included) is training now. */
export async function runsTrainingNow(): Promise<Set<string>> {
  const lm = locks();
  if (!lm) return new Set();
  const { held = [] } = await lm.query();
  return new Set(held.flatMap((l) => (l.name?.startsWith(RUN_LOCK_PREFIX) ? [l.name.slice(RUN_LOCK_PREFIX.length)] : [])));
}
