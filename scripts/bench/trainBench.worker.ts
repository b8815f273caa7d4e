/// <reference types="vite/client" />
// Worker of the browser training bench: one backend, one UNet config, set up like the app's
// training worker (app-served WASM binaries, single-threaded WASM; on WASM, the step split over
// `threads` training threads as the app's runs do: workers/trainingThreads.ts), then ms per Adam step on −Dice
// (src/model/train.ts `trainStepAsync`, the trainer's own step), the first step (shader compiles) apart,
// and the live tensor count after the timed steps (a leak shows as growth).
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, setWasmPaths, type BackendName } from '../../src/model/backends';
import { trainStepAsync } from '../../src/model/train';
import { startTrainingThreads } from '../../src/workers/trainingThreads';
import { unet } from '../../src/model/unet';
import { warmUp } from '../bench-shared/warmUp';
import { TFJS_WASM_PATHS } from '../../src/workers/wasmAssets';

export interface TrainBenchRequest {
  backend: BackendName;
  baseFilters: number;
  size: number;
  batch: number;
  steps: number;
  budgetMs: number;
  /** WASM: threads a step is split over. */
  threads: number;
}

export interface TrainBenchResult {
  backend: BackendName;
  baseFilters: number;
  size: number;
  batch: number;
  threads: number;
  msPerStep: number;
  firstStepMs: number;
  /** Untimed steps after the first (bench-shared/warmUp). */
  warmUpSteps: number;
  numTensorsAfter: number;
  steps: number;
  /** Loss of the last timed step: a finite number shows the steps really ran. */
  lastLoss: number;
}

export type TrainBenchReply = TrainBenchResult | { firstStepMs: number } | { skipped: string };

const post = (reply: TrainBenchReply) => (self as unknown as Worker).postMessage(reply);

self.onmessage = async (e: MessageEvent<TrainBenchRequest>) => {
  const { backend, baseFilters, size, batch, steps, budgetMs, threads } = e.data;
  try {
    setWasmPaths(TFJS_WASM_PATHS);
    const choice = await chooseBackend(backend);
    if (choice.backend !== backend) {
      post({ skipped: choice.skipped.find((s) => s.backend === backend)?.reason ?? `${backend} unavailable` });
      return;
    }
    const model = unet({ baseFilters, size, seed: 1 });
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.cast(tf.greater(tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', 2), 0.7), 'float32') as tf.Tensor4D;
    const threadsStarted = await startTrainingThreads(model, backend, batch, threads);
    if (threadsStarted.threads !== threads) {
      post({ skipped: `${threads} threads: ${threadsStarted.note ?? 'not started'}` });
      return;
    }
    const step = threadsStarted.parallel?.step ?? trainStepAsync;

    // trainStepAsync awaits the loss read back; reading a weight as well makes sure no queued GPU
    // work (the optimizer's updates) is left running when the clock stops.
    const flush = () => model.trainableWeights[0].read().data();
    let started = performance.now();
    await step(model, optimizer, x, y);
    await flush();
    const firstStepMs = performance.now() - started;
    post({ firstStepMs });
    const warmUpSteps = await warmUp(() => step(model, optimizer, x, y), firstStepMs);
    await flush();

    started = performance.now();
    let timed = 0;
    let lastLoss = NaN;
    while (timed < steps && (timed === 0 || performance.now() - started < budgetMs)) {
      lastLoss = (await step(model, optimizer, x, y)).loss;
      timed++;
    }
    await flush();
    const msPerStep = (performance.now() - started) / timed;
    const numTensorsAfter = tf.memory().numTensors;
    threadsStarted.parallel?.close();
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
    post({ backend, baseFilters, size, batch, threads, msPerStep, firstStepMs, warmUpSteps, numTensorsAfter, steps: timed, lastLoss });
  } catch (error) {
    post({ skipped: error instanceof Error ? error.message : String(error) });
  }
};
