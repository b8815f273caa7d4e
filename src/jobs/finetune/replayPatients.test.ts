// What a fine-tune replays: a run's training patients; for the starter, the cached patients it was
// trained on by name (with ground truth); for a fine-tuned model, what its parent learned from; never
// the corrected patient.
import { describe, expect, it } from 'vitest';
import { replayKeys } from './replayPatients';

const about = { trainedOn: ['3Dircadb1.17'], heldOut: '3Dircadb1.1', dataset: '3D-IRCADb-01', heldOutSlabDice: 0.9, heldOutScanDice: 0.88, notForClinicalUse: true as const };
const datasets = [
  { patientKeys: ['a:17', 'a:1'], patientNames: ['3Dircadb1.17', '3Dircadb1.1'], withoutTruth: ['a:17'] },
  { patientKeys: ['b:17', 'b:5'], patientNames: ['3Dircadb1.17', '3Dircadb1.5'] },
];
const finetuned = { finetune: { parent: { id: 'p', name: 'parent' }, corrections: { patient: '3Dircadb1.1', slices: [3], labelId: 'l' } } } as never;

describe('replayKeys', () => {
  it("replays a run's training patients, less the corrected one", () => {
    expect(replayKeys([{ model: { runId: 'r' }, run: { train: [{ key: 'a:1', name: '3Dircadb1.1' }, { key: 'b:5', name: '3Dircadb1.5' }] } }], datasets, 'a:1')).toEqual(['b:5']);
  });

  it('replays the starter model\'s training patient by name, from a dataset where it has ground truth', () => {
    expect(replayKeys([{ model: { about } }], datasets, 'a:1')).toEqual(['b:17']);
    expect(replayKeys([{ model: { about } }], datasets.slice(0, 1), 'a:1')).toEqual([]);
  });

  it('replays what the parent learned from for a fine-tuned model; nothing for an imported one', () => {
    expect(replayKeys([{ model: finetuned }, { model: { about } }], datasets, 'a:1')).toEqual(['b:17']);
    expect(replayKeys([{ model: {} }], datasets, 'a:1')).toEqual([]);
  });
});
