// Worker: a fine-tune off the page's thread, as training runs (src/jobs/finetune/fromLabel.ts does the
// work): picks the backend as the train worker does, reports status, every step (loss) and epoch, and
// can be stopped between steps. The new model is stored by the job; the page only draws what this
// worker reports.
import { expose } from 'comlink';
import { chooseBackend, setWasmPaths, type BackendName } from '../model/backends';
import { startTrainingThreads } from './trainingThreads';
import type { EpochRecord, StepInfo } from '../model/trainer';
import { TrainerControl } from './trainerControl';
import { openCache } from '../storage/schema';
import { finetuneFromLabel, type LabelFinetuneOutcome, type LabelFinetuneRequest } from '../jobs/finetune/fromLabel';
import { TFJS_WASM_PATHS } from './wasmAssets';
import { deliveredEvents } from './deliveredEvents';

export interface FinetuneEvents {
  status(message: string): void;
  step(info: StepInfo): void;
  epoch(record: EpochRecord): void;
}

export interface FinetuneRequest extends LabelFinetuneRequest {
  preferred?: BackendName;
}

/** Stop, kept while the job starts (workers/trainerControl.ts). */
const control = new TrainerControl();

const finetuneApi = {
  /** Fine-tunes; returns once the page has handled every event it sent (deliveredEvents.ts). */
  async run(request: FinetuneRequest, remoteEvents: FinetuneEvents): Promise<FinetuneWorkerOutcome> {
    const reporter = deliveredEvents(remoteEvents);
    try {
      return await finetuneRun(request, reporter.events);
    } finally {
      await reporter.delivered();
    }
  },
  stop(): void {
    control.stop();
  },
};

/** The job's outcome, the backend it trained on and the threads each step was split over. */
export type FinetuneWorkerOutcome = LabelFinetuneOutcome & { backend: BackendName; threads: number };

async function finetuneRun(request: FinetuneRequest, events: FinetuneEvents): Promise<FinetuneWorkerOutcome> {
  setWasmPaths(TFJS_WASM_PATHS);
  const { backend } = await chooseBackend(request.preferred);
  let threads = 1;
  events.status(`fine-tuning on ${backend}`);
  const outcome = await finetuneFromLabel(
    await openCache(),
    request,
    { status: (m) => events.status(m), onStep: (info) => events.step(info), onEpochEnd: (record) => events.epoch(record) },
    (t) => control.attach(t),
    async (model, batchSize) => {
      const started = await startTrainingThreads(model, backend, batchSize);
      threads = started.threads;
      if (started.parallel) events.status(`fine-tuning on ${backend}, ${started.threads} threads`);
      return started.parallel;
    },
  );
  control.detach();
  return { ...outcome, backend, threads };
}

export type FinetuneApi = typeof finetuneApi;
expose(finetuneApi);
