// Messages about the other LiverLab tabs on the same cache: "waiting for another tab's write",
// and what another tab changed (the dataset list is already refreshed when this shows).
import { useEffect } from 'react';
import { installCacheTabSync, useTabSyncStore } from '../state/tabSyncStore';

export function TabSyncNotice() {
  const { waiting, notice, dismiss } = useTabSyncStore();
  useEffect(() => installCacheTabSync(), []);
  if (!waiting && !notice) return null;
  return (
    <div className="tab-sync" role="status">
      {waiting && <p data-testid="tab-sync-waiting">{waiting}</p>}
      {notice && (
        <p data-testid="tab-sync-notice">
          {notice} <button onClick={dismiss}>Dismiss</button>
        </p>
      )}
    </div>
  );
}
