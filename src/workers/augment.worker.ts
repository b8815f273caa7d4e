// Worker: builds augmented training batches (pipeline/augment's Keras-equivalent affine) from the
// run's slices, so the model's thread only trains. Batches leave as transferables.
import { expose, transfer } from 'comlink';
import { makeBatch, type AugmentSettings, type Batch } from '../model/batches';
import type { SliceSet } from '../model/sliceSet';

let slices: SliceSet | null = null;

const augmentApi = {
  load(set: SliceSet): void {
    slices = set;
  },
  batch(epoch: number, indices: number[], seed: number, settings: AugmentSettings): Batch {
    if (!slices) throw new Error('augment worker: no slices loaded');
    const b = makeBatch(slices, indices, settings.mode === 'online' ? { seed, epoch, settings } : null);
    return transfer(b, [b.x.buffer, b.y.buffer]);
  },
};

export type AugmentApi = typeof augmentApi;
expose(augmentApi);
