// A BatchSource backed by augment workers: each holds a copy of the training slices (uint8, small
// at training sizes) and builds whole batches; requests go round-robin, so prefetched batches are
// built in parallel while the model trains. Same seed → same batches, whatever the worker count.
import { wrap, releaseProxy, type Remote } from 'comlink';
import type { AugmentSettings, Batch } from '../model/batches';
import type { SliceSet } from '../model/sliceSet';
import type { BatchSource } from '../model/trainer';
import type { AugmentApi } from './augment.worker';

export class AugmentWorkers implements BatchSource {
  private workers: { worker: Worker; api: Remote<AugmentApi> }[] = [];
  private next = 0;

  private constructor(
    private readonly seed: number,
    private readonly settings: AugmentSettings,
  ) {}

  static async start(set: SliceSet, count: number, seed: number, settings: AugmentSettings): Promise<AugmentWorkers> {
    const pool = new AugmentWorkers(seed, settings);
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./augment.worker.ts', import.meta.url), { type: 'module', name: `augment-${i}` });
      const api = wrap<AugmentApi>(worker);
      pool.workers.push({ worker, api });
    }
    await Promise.all(pool.workers.map((w) => w.api.load(set)));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  batch(epoch: number, indices: number[]): Promise<Batch> {
    const w = this.workers[this.next++ % this.workers.length];
    return w.api.batch(epoch, indices, this.seed, this.settings);
  }

  terminate(): void {
    for (const w of this.workers) {
      w.api[releaseProxy]();
      w.worker.terminate();
    }
    this.workers = [];
  }
}
