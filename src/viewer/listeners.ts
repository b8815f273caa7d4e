// The viewers' change events (slice shown, window changed): a set of listeners, each added with its
// own unsubscribe, all dropped when the viewer is destroyed. Shared by the stack and MPR viewers.
import type { Unsubscribe } from './types';

export interface Listeners<T> {
  add(listener: (value: T) => void): Unsubscribe;
  emit(value: T): void;
  clear(): void;
}

export function createListeners<T>(): Listeners<T> {
  const set = new Set<(value: T) => void>();
  return {
    add(listener) {
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(value) {
      for (const listener of set) listener(value);
    },
    clear: () => set.clear(),
  };
}
