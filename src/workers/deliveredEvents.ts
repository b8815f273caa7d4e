// A worker reports progress through a comlink proxy, whose calls travel on the proxy's own
// MessagePort, and returns its result on the worker's port. Messages on two ports keep no order
// between them: on a busy page a run's last step could be handled after its result, and set a
// stopped run back to 'running' for good. A worker wraps its events with this and, before it
// returns, waits until the page has handled every event it sent (one port is in order, so the
// answer to the last call means all earlier calls were handled).
import type { Remote } from 'comlink';

/** Longest wait for the page's answers: a page that is gone never answers, and the worker is ended anyway. */
const DELIVERY_TIMEOUT_MS = 5000;

export interface DeliveredEvents<T> {
  events: T;
  /** Resolves once every event sent so far has been handled by the page (or after the timeout). */
  delivered(): Promise<void>;
}

export function deliveredEvents<T extends object>(remote: T | Remote<T>): DeliveredEvents<T> {
  let last: Promise<unknown> = Promise.resolve();
  const events = new Proxy(remote as object, {
    get(target, key) {
      // Not a thenable: an async function returning the wrapper must not try to await it.
      if (key === 'then') return undefined;
      const method = Reflect.get(target, key) as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const answer = Promise.resolve(method.apply(target, args));
        last = answer.catch(() => undefined);
        return answer;
      };
    },
  }) as T;
  return {
    events,
    delivered: () => Promise.race([last.then(() => undefined), new Promise<void>((r) => setTimeout(r, DELIVERY_TIMEOUT_MS))]),
  };
}
