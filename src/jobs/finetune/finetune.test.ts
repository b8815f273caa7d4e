// Fine-tuning as a user meets it, on phantom patients run through the real preprocessing: a small
// model trained on one patient, then corrected on a few slices of another (its expert mask standing
// for the clinician's corrections), with the first patient replayed. The fine-tuned model predicts the
// corrected slices better than its parent did; the parent's weights are left as they were; bad
// corrections are refused with a message.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../model/backends';
import { snapshotModel, type ModelSnapshot } from '../../model/checkpoint';
import { Trainer, inlineBatchSource } from '../../model/trainer';
import { PRESETS } from '../../model/presets';
import { buildSliceSet, type PatientVolumeLike } from '../../model/sliceSet';
import { unet } from '../../model/unet';
import { phantomVolumes } from '../../test-support/phantomVolumes';
import { correctionVolume, evenlySpaced } from './corrections';
import { finetuneSliceSet, replaySubset } from './finetuneSet';
import { DEFAULT_FINETUNE, finetuneModel, finetuneOrigin, snapshotDice } from './finetune';

/** Two real (small) training runs: a limit, not a timing. */
const TIMEOUT_MS = 360_000;
const SIZE = 64;

describe('fine-tuning a model on corrected slices', () => {
  let seen: PatientVolumeLike;
  let unseen: PatientVolumeLike;
  let parent: ModelSnapshot;

  beforeAll(async () => {
    expect((await chooseBackend('wasm')).backend).toBe('wasm');
    [seen, unseen] = await phantomVolumes(['Phantom.1', 'Phantom.2'], SIZE, 40);
    // The parent: a short run on the first patient only.
    // The parent: a plain −Dice run (the Reference preset's recipe, small and fast), not the Laptop recipe under test elsewhere.
    const settings = { ...structuredClone(PRESETS.reference.settings), baseFilters: 4, size: SIZE, batchSize: 8, epochs: 12, seed: 3, learningRate: 3e-3 };
    settings.augment.mode = 'none';
    const train = buildSliceSet([seen], SIZE);
    const model = unet({ baseFilters: 4, size: SIZE, seed: 3 });
    const optimizer = tf.train.adam(settings.learningRate);
    await new Trainer(model, optimizer, train, null, settings, inlineBatchSource(train, settings)).fit();
    parent = await snapshotModel(model);
    model.dispose();
    optimizer.dispose();
  }, TIMEOUT_MS);

  it('predicts the corrected slices of another patient better than its parent, and leaves the parent as it was', async () => {
    const slices = evenlySpaced(unseen.kept, 6);
    const corrections = correctionVolume({ patient: unseen.name, width: unseen.width, height: unseen.height, images: unseen.images, label: unseen.masks, slices });
    if (!corrections.ok) throw new Error(corrections.message);
    const parentWeights = new Float32Array(parent.weightData.slice(0));
    const before = await snapshotDice(parent, [corrections.volume, seen]);
    const settings = { ...DEFAULT_FINETUNE, epochs: 8, learningRate: 1e-3, maxReplaySlices: null };
    const steps: number[] = [];
    const result = await finetuneModel({ parent, corrections: corrections.volume, replay: [seen], settings }, { onStep: ({ step }) => steps.push(step.loss) });
    const after = await snapshotDice(result.snapshot, [corrections.volume, seen]);
    console.log(`fine-tune: Dice on the corrected slices ${before[unseen.name].toFixed(3)} → ${after[unseen.name].toFixed(3)}, on the replayed patient ${before[seen.name].toFixed(3)} → ${after[seen.name].toFixed(3)}, ${result.seconds.toFixed(1)} s`);
    expect(result.counts).toEqual({ corrections: 6, replay: seen.kept });
    expect(steps).toHaveLength(8 * Math.ceil((6 + seen.kept) / 8));
    expect(result.state.epoch).toBe(8);
    expect(after[unseen.name]).toBeGreaterThan(before[unseen.name] + 0.05);
    // Replayed, the patient it knew is not forgotten.
    expect(after[seen.name]).toBeGreaterThan(before[seen.name] - 0.02);
    // The parent's snapshot is untouched, the child's weights differ from it.
    expect(new Float32Array(parent.weightData)).toEqual(parentWeights);
    expect(new Float32Array(result.snapshot.weightData)).not.toEqual(parentWeights);
    const origin = finetuneOrigin({ id: 'parent-id', name: 'parent' }, { patient: unseen.name, slices, instanceNumbers: slices.map(() => null) }, result, settings);
    expect(origin).toMatchObject({ parent: { id: 'parent-id' }, corrections: { patient: unseen.name, slices }, replay: [{ patient: seen.name, slices: seen.kept }], epochs: 8 });
  }, TIMEOUT_MS);

  it('refuses an empty correction set, slices outside the patient, and a label of another shape', () => {
    const base = { patient: unseen.name, width: unseen.width, height: unseen.height, images: unseen.images, label: unseen.masks };
    expect(correctionVolume({ ...base, slices: [] })).toEqual({ ok: false, message: `${unseen.name}: no corrected slice: give at least one slice to learn from` });
    expect(correctionVolume({ ...base, slices: [unseen.kept] })).toEqual({ ok: false, message: `${unseen.name}: slice ${unseen.kept} is not one of its ${unseen.kept} slices` });
    expect(correctionVolume({ ...base, slices: [2, 2] })).toMatchObject({ ok: false, message: expect.stringContaining('slice 2 is given twice') });
    const px = unseen.width * unseen.height;
    expect(correctionVolume({ ...base, label: unseen.masks.subarray(0, 3 * px), slices: [1] })).toEqual({ ok: false, message: `${unseen.name}: the label covers 3 slices, the patient has ${unseen.kept}` });
  });

  it('mixes each corrected slice `repeats` times with every replayed slice, as one patient', () => {
    const corrections = correctionVolume({ patient: unseen.name, width: unseen.width, height: unseen.height, images: unseen.images, label: unseen.masks, slices: [4, 1] });
    if (!corrections.ok) throw new Error(corrections.message);
    expect(corrections.slices).toEqual([1, 4]);
    const { set, counts } = finetuneSliceSet(corrections.volume, [seen], SIZE, 3);
    expect(counts).toEqual({ corrections: 6, replay: seen.kept });
    expect(set.patients).toEqual([unseen.name, seen.name]);
    expect(Array.from(set.patientOf.subarray(0, 7))).toEqual([0, 0, 0, 0, 0, 0, 1]);
    const px = SIZE * SIZE;
    // The third repeat's second slice is the corrected slice 4, mask and image.
    expect(set.masks.subarray(5 * px, 6 * px)).toEqual(unseen.masks.subarray(4 * px, 5 * px));
    expect(set.images.subarray(5 * px, 6 * px)).toEqual(unseen.images.subarray(4 * px, 5 * px));
    expect(evenlySpaced(88, 10)).toEqual([0, 10, 19, 29, 39, 48, 58, 68, 77, 87]);
    // A replay cut to 10 slices keeps 10, evenly spread, with their masks.
    const [cut] = replaySubset([seen], 10);
    expect(cut.kept).toBe(10);
    expect(cut.masks.subarray(px * 9)).toEqual(seen.masks.subarray(px * (seen.kept - 1), px * seen.kept));
  });
});
