// One training run of `cli train` for one seed: builds the reference UNet from the seed, trains it
// on the slice sets it is given (prepared once for every seed), and writes the best model by
// validation Dice with its history.json (settings, seed, split, every epoch) into its folder.
// Progress on stderr (progressLine.ts: a line rewritten in a terminal, plain lines in a log); returns
// the run's summary for the caller to print. Never reads patients or prints JSON itself.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { snapshotModel, type ModelSnapshot } from '../model/checkpoint';
import { toModelFiles } from '../model/modelFiles';
import type { SliceSet } from '../model/sliceSet';
import { Trainer, inlineBatchSource, type StepFunction, type TrainerSettings } from '../model/trainer';
import { unet } from '../model/unet';
import type { CliIo } from './command';
import { progressLine } from './progressLine';

export interface SeedRun {
  settings: TrainerSettings;
  train: SliceSet;
  val: SliceSet;
  split: { train: string[]; val: string[] };
  /** The folder the model, its weights and history.json go to. */
  out: string;
  /** The step split over threads (model/dataParallel); absent: the one-thread step. */
  step?: StepFunction;
}

export interface SeedSummary {
  seed: number;
  epochs: number;
  valDice: number | null;
  perPatientDice: Record<string, number>;
  bestEpoch: number | null;
  lastValDice: number | null;
  msPerStep: number;
  trainingSeconds: number;
  out: string;
}

export async function trainOneSeed(run: SeedRun, io: CliIo): Promise<SeedSummary> {
  const { settings, train, val, split } = run;
  const model = unet({ baseFilters: settings.baseFilters, size: settings.size, seed: settings.seed });
  const optimizer = tf.train.adam(settings.learningRate);
  const trainer = new Trainer(model, optimizer, train, val, settings, inlineBatchSource(train, settings), undefined, run.step);
  let best: ModelSnapshot | null = null;
  const t0 = performance.now();
  const progress = progressLine(io, { tty: io.errTerminal !== undefined, columns: io.errTerminal?.columns });
  const stepMs: number[] = [];
  try {
    const { state } = await trainer.fit({
      onStep: ({ step, batchesPerEpoch }) => {
        stepMs.push(step.ms);
        const recent = stepMs.slice(-20);
        const ms = recent.reduce((a, b) => a + b, 0) / recent.length;
        const left = settings.epochs * batchesPerEpoch - step.step - 1;
        const inEpoch = step.step - step.epoch * batchesPerEpoch + 1;
        progress.update(
          `seed ${settings.seed} epoch ${step.epoch + 1}/${settings.epochs} step ${inEpoch}/${batchesPerEpoch}: loss ${step.loss.toFixed(4)}, ${Math.round(ms)} ms/step, ~${formatEta((left * ms) / 1000)} of steps left`,
        );
      },
      onEpochEnd: async (r, _s, improved) => {
        progress.line(`seed ${settings.seed} epoch ${r.epoch}/${settings.epochs}: loss ${r.loss.toFixed(4)}, val Dice ${r.valDice?.toFixed(4)} (${r.seconds.toFixed(1)} s)`);
        if (improved || best === null) best = await snapshotModel(model);
      },
    });
    progress.end();
    await mkdir(run.out, { recursive: true });
    const history = { seed: settings.seed, settings, train: split.train, val: split.val, bestEpoch: state.bestEpoch, history: state.history };
    const files = toModelFiles(best ?? (await snapshotModel(model)), 'model', history);
    await writeFile(path.join(run.out, 'model.json'), files.modelJson);
    await writeFile(path.join(run.out, files.weightsName), new Uint8Array(files.weights));
    await writeFile(path.join(run.out, 'history.json'), JSON.stringify(history, null, 1));
    const bestRecord = state.history.find((h) => h.epoch === state.bestEpoch) ?? state.history.at(-1);
    return {
      seed: settings.seed,
      epochs: state.epoch,
      valDice: bestRecord?.valDice ?? null,
      perPatientDice: bestRecord?.perPatientDice ?? {},
      bestEpoch: state.bestEpoch,
      lastValDice: state.history.at(-1)?.valDice ?? null,
      msPerStep: Math.round(state.steps.reduce((a, s) => a + s.ms, 0) / Math.max(1, state.steps.length)),
      trainingSeconds: Math.round((performance.now() - t0) / 100) / 10,
      out: run.out,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
