// The tab's fine-tune, from what IndexedDB holds: the model in use, a stored edited label (its edited
// slices are the corrections, on the cached patient's preprocessed images), and the patients the model
// learned from, replayed from the cache when it holds them (replayPatients.ts). The new model is stored with its parent
// and its corrections (StoredModel.finetune); the parent, the label and the cached patients are only
// read. Dice of parent and child against the expert's mask on the patient's other kept slices tells
// whether the rest of the scan improved. Runs in the training worker; no DOM.
import type { Db, StoredModel } from '../../storage/schema';
import { findPatient } from '../../storage/datasets';
import { readPatientVolume, readSliceSet } from '../../storage/readPatient';
import { getLabel } from '../../storage/labels';
import { labelMask } from '../../storage/labelRecord';
import { getModel, putModel } from '../../storage/runs';
import { replayPatients } from './replayPatients';
import type { TrainerCallbacks, Trainer } from '../../model/trainer';
import type { PatientVolumeLike } from '../../model/sliceSet';
import { correctionVolume } from './corrections';
import type { StartStepThreads } from '../../model/dataParallel';
import { finetuneModel, finetuneOrigin, parentInputSize, snapshotDice, type FinetuneSettings } from './finetune';

export interface LabelFinetuneRequest {
  modelId: string;
  labelId: string;
  settings: FinetuneSettings;
}

export interface LabelFinetuneOutcome {
  model: Omit<StoredModel, 'model' | 'onnx'>;
  /** Dice of the parent and the new model on the patient's kept slices that were not corrected (null: no expert mask). */
  otherSlicesDice: { before: number; after: number } | null;
  /** The same on the corrected slices (against the corrections). */
  correctedDice: { before: number; after: number };
  stopped: boolean;
}

export async function finetuneFromLabel(
  db: Db,
  request: LabelFinetuneRequest,
  callbacks: TrainerCallbacks & { status?(message: string): void } = {},
  onTrainer?: (t: Trainer) => void,
  threads?: StartStepThreads,
): Promise<LabelFinetuneOutcome> {
  const parent = await getModel(db, request.modelId);
  if (!parent) throw new Error('the model in use is not stored any more');
  if (!parent.model) throw new Error(`${parent.name} is an ONNX model: only models in tfjs layers format can be fine-tuned here`);
  const size = parentInputSize(parent.model);
  if (typeof size === 'string') throw new Error(`${parent.name}: ${size}`);
  const label = await getLabel(db, request.labelId);
  if (!label) throw new Error('the label is not stored any more');
  const patient = await findPatient(db, label.patientKey);
  if (!patient) throw new Error(`${label.patientName} is not in the cache any more`);
  if (label.width !== patient.width || label.height !== patient.height) throw new Error(`label ${label.name} is ${label.width}×${label.height}, ${patient.name}'s cached slices are ${patient.width}×${patient.height}`);

  callbacks.status?.(`reading ${patient.name}…`);
  const volume = await readPatientVolume(db, patient);
  // The label's slices as kept slices of the cached patient (a label drawn on the whole scan in HU reaches beyond them).
  const px = patient.width * patient.height;
  const mask = labelMask(label);
  const keptLabel = new Uint8Array(patient.kept * px);
  const corrected: number[] = [];
  for (const s of label.edited) {
    const kept = label.firstSlice + s - patient.keptFrom;
    if (kept < 0 || kept >= patient.kept) continue;
    keptLabel.set(mask.subarray(s * px, (s + 1) * px), kept * px);
    corrected.push(kept);
  }
  if (label.edited.length > 0 && corrected.length === 0) throw new Error(`label ${label.name}: its edited slices are outside ${patient.name}'s cached slices (${patient.keptFrom + 1}–${patient.keptTo + 1})`);
  const corrections = correctionVolume({ patient: patient.name, width: patient.width, height: patient.height, images: volume.images, label: keptLabel, slices: corrected, describeSlice: (i) => `${patient.keptFrom + i + 1}` });
  if (!corrections.ok) throw new Error(label.edited.length === 0 ? `label ${label.name} has no edited slice: edit and save some slices first` : corrections.message);

  const replay: PatientVolumeLike[] = [];
  const metas = await replayPatients(db, parent, patient.key);
  if (metas.length > 0) {
    callbacks.status?.(`reading the training slices of ${parent.name}…`);
    // Replayed at the cached size: the slice set is resized once more to the model's size with the corrections.
    for (const meta of metas) {
      const set = await readSliceSet(db, [meta], size);
      replay.push({ name: meta.name, width: size, height: size, kept: set.count, images: set.images, masks: set.masks });
    }
  }
  // The patient's own uncorrected kept slices against the expert's mask: what the corrections should improve.
  const others = Array.from({ length: patient.kept }, (_, i) => i).filter((i) => !corrected.includes(i));
  const otherSlices: PatientVolumeLike[] =
    patient.groundTruth === false || others.length === 0
      ? []
      : [{ name: patient.name, width: patient.width, height: patient.height, kept: others.length, images: pick(volume.images, others, px), masks: pick(volume.masks, others, px) }];
  callbacks.status?.('measuring the model before fine-tuning…');
  const correctedCheck = { ...corrections.volume, name: `${patient.name} (corrected)` };
  const before = await snapshotDice(parent.model, [...otherSlices, correctedCheck]);
  callbacks.status?.(`fine-tuning on ${corrected.length} corrected slices${replay.length ? ` and ${replay.map((r) => r.name).join(', ')}` : ' (nothing to replay: the patients this model learned from are not cached)'}…`);
  const result = await finetuneModel({ parent: parent.model, corrections: corrections.volume, replay, settings: request.settings, threads }, callbacks, onTrainer);
  const after = await snapshotDice(result.snapshot, [...otherSlices, correctedCheck]);
  const origin = finetuneOrigin(
    { id: parent.id, name: parent.name },
    { patient: patient.name, labelId: label.id, slices: corrected.map((k) => patient.keptFrom + k), instanceNumbers: corrected.map(() => null) },
    result,
    request.settings,
  );
  const stored: StoredModel = {
    id: `finetune-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name: `${parent.name} + ${corrected.length} corrected slices of ${patient.name}`,
    createdAt: Date.now(),
    source: 'finetune',
    finetune: origin,
    runId: parent.runId,
    size,
    baseFilters: parent.baseFilters,
    valDice: null,
    model: result.snapshot,
  };
  if (!result.stopped) await putModel(db, stored);
  const { model: _weights, ...listing } = stored;
  return {
    model: listing,
    otherSlicesDice: otherSlices.length ? { before: before[patient.name], after: after[patient.name] } : null,
    correctedDice: { before: before[correctedCheck.name], after: after[correctedCheck.name] },
    stopped: result.stopped,
  };
}

function pick(volume: Uint8Array, slices: number[], px: number): Uint8Array {
  const out = new Uint8Array(slices.length * px);
  slices.forEach((s, k) => out.set(volume.subarray(s * px, (s + 1) * px), k * px));
  return out;
}
