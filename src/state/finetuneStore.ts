// Store: fine-tuning the model in use on the saved label's corrections, in a worker (workers/
// finetune.worker.ts): progress (epoch, step, loss, ETA), the Dice of parent and child on the
// patient's other slices and on the corrected ones, then re-segmenting with the new model and what
// changed: the volume, the Dice against the expert's mask, and the slices where the prediction moved.
import { create } from 'zustand';
import { DEFAULT_FINETUNE } from '../jobs/finetune/finetune';
import { changedSlices } from '../storage/labelRecord';
import { announce } from '../storage/tabSync';
import { startFinetuneWorker, type FinetuneOutcome, type FinetuneSession } from '../workers/finetuneClient';
import { useViewerStore } from './viewerStore';
import { useSegmentStore } from './segmentStore';
import { useLabelStore } from './labelStore';

export interface Resegmented {
  before: { ml: number | null; dice: number | null };
  after: { ml: number | null; dice: number | null };
  /** 1-based slice numbers (as the viewer shows them) where the prediction changed. */
  changedSlices: number[];
}

export interface FinetuneState {
  status: 'idle' | 'running' | 'done' | 'error';
  message: string | null;
  progress: { epoch: number; epochs: number; step: number; steps: number; loss: number; etaSeconds: number | null } | null;
  losses: number[];
  outcome: FinetuneOutcome | null;
  resegmented: Resegmented | null;
  run(): Promise<void>;
  stop(): void;
}

let session: FinetuneSession | null = null;

export const useFinetuneStore = create<FinetuneState>((set, get) => ({
  status: 'idle',
  message: null,
  progress: null,
  losses: [],
  outcome: null,
  resegmented: null,

  async run() {
    const { label, stored } = useLabelStore.getState();
    const { modelId, models } = useSegmentStore.getState();
    if (!label || !stored) return set({ status: 'error', message: 'save the label first: the fine-tune learns from a stored label' });
    if (!modelId) return set({ status: 'error', message: 'choose a model to fine-tune (Segmentation panel)' });
    const parent = models.find((m) => m.id === modelId);
    const settings = { ...structuredClone(DEFAULT_FINETUNE) };
    set({ status: 'running', message: `fine-tuning ${parent?.name ?? 'the model'}…`, progress: null, losses: [], outcome: null, resegmented: null });
    const started = performance.now();
    session = startFinetuneWorker(
      { modelId, labelId: label.id, settings },
      {
        status: (message) => set({ message }),
        step: ({ step, batchesPerEpoch }) => {
          const steps = settings.epochs * batchesPerEpoch;
          const done = step.step + 1;
          const elapsed = (performance.now() - started) / 1000;
          set({
            losses: [...get().losses, step.loss],
            progress: { epoch: step.epoch + 1, epochs: settings.epochs, step: done, steps, loss: step.loss, etaSeconds: done > 1 ? Math.round((elapsed / done) * (steps - done)) : null },
          });
        },
        epoch: () => {},
      },
    );
    try {
      const outcome = await session.done;
      set({ outcome, status: 'done', message: outcome.stopped ? 'stopped: no model was saved' : `saved ${outcome.model.name} (parent: ${parent?.name ?? modelId})` });
      if (outcome.stopped) return;
      announce({ kind: 'models' });
      await resegment(outcome.model.id);
    } catch (e) {
      set({ status: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      session = null;
    }
  },

  stop() {
    session?.stop();
  },
}));

/** Segments the patient on screen with the new model and says what moved against the previous prediction. */
async function resegment(modelId: string): Promise<void> {
  const segment = useSegmentStore.getState();
  const before = useViewerStore.getState().prediction;
  const metricsBefore = segment.metrics;
  await segment.loadModels();
  useSegmentStore.getState().chooseModel(modelId);
  await useSegmentStore.getState().segmentCurrent();
  const after = useViewerStore.getState().prediction;
  const volume = useViewerStore.getState().volume;
  const metricsAfter = useSegmentStore.getState().metrics;
  if (!after || !volume) return;
  const px = volume.width * volume.height;
  useFinetuneStore.setState({
    resegmented: {
      before: { ml: metricsBefore?.predictedMl ?? null, dice: metricsBefore?.dice ?? null },
      after: { ml: metricsAfter?.predictedMl ?? null, dice: metricsAfter?.dice ?? null },
      changedSlices: before && before.length === after.length ? changedSlices(before, after, px).map((s) => s + 1) : [],
    },
  });
}
