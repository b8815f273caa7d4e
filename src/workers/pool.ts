// A small pool of comlink-wrapped Web Workers: jobs wait for a free worker, so N jobs on a
// pool of size k use k threads. Thin shell: the work itself is the pure core inside the worker.
import { wrap, releaseProxy, type Remote } from 'comlink';

interface Slot<T> {
  worker: Worker;
  api: Remote<T>;
  busy: boolean;
}

export class PoolCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'PoolCancelled';
  }
}

export function defaultPoolSize(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, Math.min(cores, 8));
}

export class WorkerPool<T> {
  private slots: Slot<T>[] = [];
  private waiting: ((slot: Slot<T>) => void)[] = [];
  private readonly create: () => Worker;
  private cancelers = new Set<(e: Error) => void>();
  readonly size: number;

  constructor(create: () => Worker, size = defaultPoolSize()) {
    this.create = create;
    this.size = size;
  }

  /** Runs `job` on a free worker (waiting for one when all are busy). */
  async use<R>(job: (api: Remote<T>) => Promise<R>): Promise<R> {
    let cancel: (e: Error) => void = () => {};
    const cancelled = new Promise<never>((_, reject) => (cancel = reject));
    this.cancelers.add(cancel);
    try {
      const slot = await Promise.race([this.acquire(), cancelled]);
      try {
        return await Promise.race([job(slot.api), cancelled]);
      } finally {
        this.release(slot);
      }
    } finally {
      this.cancelers.delete(cancel);
    }
  }

  /**
   * Starts every worker of the pool now and runs `ready` on each (e.g. opening the cache), so the first
   * real jobs do not wait for module loading. Workers already busy or started are left alone.
   */
  warm(ready: (api: Remote<T>) => Promise<unknown>): Promise<void> {
    const starting: Promise<unknown>[] = [];
    while (this.slots.length < this.size) starting.push(this.use(ready).catch(() => {}));
    return Promise.all(starting).then(() => {});
  }

  /** Runs `job` once on every started worker that is idle now (busy ones are skipped): e.g. a warm-up. */
  eachIdle(job: (api: Remote<T>) => Promise<unknown>): Promise<void> {
    const runs = this.slots
      .filter((s) => !s.busy)
      .map(async (slot) => {
        slot.busy = true;
        try {
          await job(slot.api);
        } catch {
          /* a warm-up that fails only leaves the worker cold */
        } finally {
          this.release(slot);
        }
      });
    return Promise.all(runs).then(() => {});
  }

  /** Stops every worker at once (cancel): running jobs reject, waiting jobs never start. */
  terminate(): void {
    for (const cancel of this.cancelers) cancel(new PoolCancelled());
    this.cancelers.clear();
    for (const s of this.slots) {
      s.api[releaseProxy]();
      s.worker.terminate();
    }
    this.slots = [];
    this.waiting = [];
  }

  private acquire(): Promise<Slot<T>> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (this.slots.length < this.size) {
      const worker = this.create();
      const slot: Slot<T> = { worker, api: wrap<T>(worker), busy: true };
      this.slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot<T>): void {
    if (!this.slots.includes(slot)) return;
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }
}
