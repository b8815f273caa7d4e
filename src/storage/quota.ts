// Storage quota and persistence: ask the browser to keep our data (persist), show usage/quota,
// and turn a QuotaExceededError into a message with how much is needed and what can be deleted.

export interface StorageFigures {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export async function requestPersistence(): Promise<boolean | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return null;
  try {
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return null;
  }
}

export async function storageFigures(): Promise<StorageFigures> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return { usage: null, quota: null, persisted: null };
  const [est, persisted] = await Promise.all([
    navigator.storage.estimate(),
    navigator.storage.persisted ? navigator.storage.persisted() : Promise.resolve(null),
  ]);
  return { usage: est.usage ?? null, quota: est.quota ?? null, persisted };
}

export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || (e instanceof Error && /quota/i.test(e.message));
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** A sentence for the user: what failed, how much space it needed, what to do. */
export function describeStorageError(e: unknown, neededBytes: number, what: string): string {
  if (isQuotaError(e)) {
    return `Not enough browser storage for ${what}: it needs about ${mib(neededBytes)} more. Delete cached datasets you no longer need (Cached datasets → Delete), or free disk space, then try again. Nothing already cached was changed.`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `Could not write ${what} to the browser cache: ${msg}. Nothing already cached was changed.`;
}
