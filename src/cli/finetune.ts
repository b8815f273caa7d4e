// `finetune --model DIR --patient NAME --labels SOURCE --slices LIST <folder|file|zip>… --out DIR`:
// the tab's fine-tune (src/jobs/finetune/) headless. The corrections are SOURCE's label (correctionLabels.ts)
// on the listed slices of patient NAME, preprocessed as the model's training slices were; every other
// patient of the drop is preprocessed with its own mask and replayed. Writes the same files as
// `train --out` (model.json, model.weights.bin, history.json naming the parent and the corrections),
// with the parent's and the new model's Dice where the drop has masks to compare with. Progress on
// stderr; the last stdout line is JSON. Nothing is written to --out unless the fine-tune succeeded.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chooseBackend, type BackendName } from '../model/backends';
import { defaultTrainingThreads, startTrainingThreads } from './replicaThreads';
import { toModelFiles } from '../model/modelFiles';
import type { PatientVolumeLike } from '../model/sliceSet';
import { DEFAULT_PIPELINE_PARAMS } from '../pipeline/params';
import { runPreprocessJob } from '../jobs/preprocess/wholePatient';
import { loadCtToSegment } from '../jobs/segment/ctSeries';
import { preprocessForModel } from '../jobs/segment/preprocessForModel';
import { keptSlabOfTruth } from '../jobs/segment/segmentation';
import { correctionVolume } from '../jobs/finetune/corrections';
import { DEFAULT_FINETUNE, checkFinetuneSettings, finetuneModel, finetuneOrigin, parentInputSize, snapshotDice, type FinetuneSettings } from '../jobs/finetune/finetune';
import type { CliCommand, CliIo } from './command';
import { readArgs } from './args';
import { collectNodeSources } from '../node/nodeSources';
import { dropPatients } from './dropPatients';
import { loadModelFiles } from './segment';
import { parseSliceList, readCorrectionLabel } from './correctionLabels';
import { progressLine } from './progressLine';

const USAGE = `Usage: npm run cli -- finetune --model DIR --patient NAME --labels SOURCE --slices LIST <folder|file|zip>… --out DIR [options]

Fine-tunes a LiverLab model on corrections: SOURCE's label on the slices LIST of patient NAME, mixed
with the slices of every other patient given (replayed with their own masks, so the model keeps what
it knew). A short run from the model's weights on the WASM backend; saves the new model to
<dir>/model.json + <dir>/model.weights.bin and <dir>/history.json (settings, every epoch, the
parent model, the corrected slices, the replayed patients, Dice before and after).

Options:
  --model PATH        the model to start from: a folder with its .json and .bin (as \`train --out\`
                      writes it or the app exports it), or the .json itself (required)
  --patient NAME      the corrected patient, by name or number (e.g. 3Dircadb1.1 or 1) (required)
  --labels SOURCE     the corrected label of that patient: a folder or zip of mask files
                      (MASKS_DICOM/<organ>/image_K, placed by InstanceNumber), a DICOM SEG or a
                      NIfTI (.nii / .nii.gz) of its whole CT series (required)
  --slices LIST       the corrected slices, as the CT's InstanceNumbers (not 0-based indices):
                      e.g. 40,52,64 or 40-45 (required)
  --organ NAME        mask folder of the replayed patients and of SOURCE (default liver)
  --out DIR           where to save the new model (required)
  --epochs N          fine-tuning epochs (default ${DEFAULT_FINETUNE.epochs})
  --lr X              learning rate (default ${DEFAULT_FINETUNE.learningRate})
  --repeats N         each corrected slice this many times an epoch (default ${DEFAULT_FINETUNE.correctionRepeats})
  --replay N          at most N replayed slices, evenly spread (default ${DEFAULT_FINETUNE.maxReplaySlices})
  --seed N            batch order (default ${DEFAULT_FINETUNE.seed})
  --backend NAME      wasm (default) or cpu
  --threads N         split each WASM step's batch over N threads (default: one a core, at most 4)

Last line of stdout: {"patient","slices","parent","settings","corrections","replay","epochs",
"diceBefore","diceAfter","finetuneSeconds","seconds","backend","out"}: Dice (at the model's input size,
threshold 0.5) of the parent and of the new model on each patient's kept slices that have a mask.
Exit code: 0 when fine-tuned, 1 when the model, patient or label cannot be used, 2 on a usage error.
`;

export const finetuneCommand: CliCommand = {
  usage: USAGE,
  run: runFinetune,
};

async function runFinetune(args: string[], io: CliIo): Promise<number> {
  const names = ['model', 'patient', 'labels', 'slices', 'organ', 'out', 'epochs', 'lr', 'repeats', 'replay', 'seed', 'backend', 'threads'];
  const parsed = readArgs('finetune', USAGE, args, Object.fromEntries(names.map((k) => [k, { type: 'string' as const }])), io);
  if (!parsed) return 2;
  const v = parsed.values as Record<string, string | undefined>;
  const usage = (m: string) => {
    io.err(`finetune: ${m}\n\n${USAGE}`);
    return 2;
  };
  const fail = (m: string) => {
    io.err(`finetune: ${m}\n`);
    return 1;
  };
  for (const required of ['model', 'patient', 'labels', 'slices', 'out']) if (!v[required]) return usage(`--${required} is required`);
  if (parsed.positionals.length === 0) return usage('give the patients\' folders, files or zips');
  const instanceNumbers = parseSliceList(v.slices!);
  if (typeof instanceNumbers === 'string') return usage(`--slices: ${instanceNumbers}`);
  const num = (k: string) => (v[k] === undefined ? undefined : Number(v[k]));
  const settings: FinetuneSettings = {
    ...structuredClone(DEFAULT_FINETUNE),
    epochs: num('epochs') ?? DEFAULT_FINETUNE.epochs,
    learningRate: num('lr') ?? DEFAULT_FINETUNE.learningRate,
    correctionRepeats: num('repeats') ?? DEFAULT_FINETUNE.correctionRepeats,
    maxReplaySlices: num('replay') ?? DEFAULT_FINETUNE.maxReplaySlices,
    seed: num('seed') ?? DEFAULT_FINETUNE.seed,
  };
  const bad = checkFinetuneSettings(settings);
  if (bad) return usage(bad);
  const backendName = (v.backend ?? 'wasm') as BackendName;
  if (backendName !== 'wasm' && backendName !== 'cpu') return usage('--backend must be wasm or cpu in Node');
  const threads = v.threads === undefined ? defaultTrainingThreads(settings.batchSize) : Number(v.threads);
  if (!Number.isInteger(threads) || threads < 1) return usage('--threads must be a whole number, 1 or more');
  const organ = v.organ ?? DEFAULT_PIPELINE_PARAMS.organ;
  const t0 = performance.now();

  const loaded = await loadModelFiles(v.model!);
  if (typeof loaded === 'string') return fail(loaded);
  const size = parentInputSize(loaded.snapshot);
  if (typeof size === 'string') return fail(`${loaded.file}: ${size}`);

  const drop = await collectNodeSources(parsed.positionals);
  if (drop.missing.length > 0) return usage(`no such file or folder: ${drop.missing.join(', ')}`);
  const found = await dropPatients('finetune', drop, organ, io);
  const patient = found.names.find((n) => n === v.patient) ?? found.names.find((n) => n.slice(n.lastIndexOf('.') + 1) === v.patient);
  if (!patient) return fail(found.names.length === 0 ? 'no usable patient found' : `--patient: no patient ${v.patient} among ${found.names.join(', ')}`);

  io.err(`finetune: reading ${patient}…\n`);
  const series = await loadCtToSegment(drop.sources, found.filesOf(patient), organ);
  if (!series.ok) return fail(`${series.problem.file}: ${series.problem.message}`);
  const { ct, truth } = series.value;
  const label = await readCorrectionLabel(v.labels!, patient, ct, organ);
  if (!label.ok) return fail(label.message);
  io.err(`finetune: corrections from ${v.labels} (${label.format}: ${label.note})\n`);
  const indices: number[] = [];
  for (const k of instanceNumbers) {
    const at = ct.findIndex((c) => c.instanceNumber === k);
    if (at < 0) return fail(`--slices: ${patient}'s CT has no slice with InstanceNumber ${k} (it has ${ct[0].instanceNumber ?? '?'} … ${ct.at(-1)!.instanceNumber ?? '?'})`);
    indices.push(at);
  }
  const { width, height, images } = preprocessForModel(ct);
  const corrections = correctionVolume({ patient, width, height, images, label: label.label, slices: indices, describeSlice: (i) => `InstanceNumber ${ct[i].instanceNumber}` });
  if (!corrections.ok) return fail(corrections.message);

  // The patient's own kept slices with the expert's mask (when the drop has it): to show what the corrections changed.
  const px = width * height;
  const slab = truth ? keptSlabOfTruth(truth, ct.length, DEFAULT_PIPELINE_PARAMS.margin) : null;
  const check: PatientVolumeLike[] =
    truth && slab ? [{ name: patient, width, height, kept: slab[1] - slab[0] + 1, images: images.subarray(slab[0] * px, (slab[1] + 1) * px), masks: truth.subarray(slab[0] * px, (slab[1] + 1) * px) }] : [];
  const replay: PatientVolumeLike[] = [];
  const params = { ...DEFAULT_PIPELINE_PARAMS, organ };
  for (const name of found.names.filter((n) => n !== patient)) {
    io.err(`finetune: preprocessing ${name} to replay…\n`);
    const r = await runPreprocessJob(null, { patient: name, files: found.filesOf(name), sources: drop.sources, params, spacing: null });
    if (!r.ok || !r.pixels || r.meta.groundTruth === false) {
      io.err(`finetune: ${name} not replayed: ${!r.ok ? r.problem.message : `no ${organ} mask`}\n`);
      continue;
    }
    replay.push({ name, width: r.meta.width, height: r.meta.height, kept: r.meta.kept, images: r.pixels.images, masks: r.pixels.masks });
  }
  if (replay.length === 0) io.err('finetune: no other patient with a mask given: nothing is replayed, the model may forget what it knew\n');

  const { backend } = await chooseBackend(backendName);
  const compared = [...check, ...replay];
  const diceBefore = await snapshotDice(loaded.snapshot, compared);
  const progress = progressLine(io, { tty: io.errTerminal !== undefined, columns: io.errTerminal?.columns });
  const stepMs: number[] = [];
  const result = await finetuneModel(
    { parent: loaded.snapshot, corrections: corrections.volume, replay, settings, threads: (model, batch) => startTrainingThreads(model, backend === 'wasm' ? Math.min(threads, batch) : 1, batch) },
    {
      onStep: ({ step, batchesPerEpoch }) => {
        stepMs.push(step.ms);
        const recent = stepMs.slice(-20);
        const ms = recent.reduce((a, b) => a + b, 0) / recent.length;
        const left = settings.epochs * batchesPerEpoch - step.step - 1;
        progress.update(`epoch ${step.epoch + 1}/${settings.epochs} step ${step.step - step.epoch * batchesPerEpoch + 1}/${batchesPerEpoch}: loss ${step.loss.toFixed(4)}, ~${Math.round((left * ms) / 1000)} s left`);
      },
      onEpochEnd: (r) => progress.line(`epoch ${r.epoch}/${settings.epochs}: loss ${r.loss.toFixed(4)} (${r.seconds.toFixed(1)} s)`),
    },
  );
  progress.end();
  const diceAfter = await snapshotDice(result.snapshot, compared);
  for (const name of Object.keys(diceBefore)) io.err(`finetune: ${name}: Dice ${diceBefore[name].toFixed(4)} → ${diceAfter[name].toFixed(4)}\n`);

  const out = path.resolve(v.out!);
  const parentPath = path.resolve(v.model!);
  const origin = finetuneOrigin({ id: null, name: parentPath }, { patient, slices: corrections.slices, instanceNumbers: corrections.slices.map((i) => ct[i].instanceNumber) }, result, settings);
  const history = { finetune: origin, settings, labels: path.resolve(v.labels!), diceBefore, diceAfter, history: result.state.history };
  const files = toModelFiles(result.snapshot, 'model', history);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'model.json'), files.modelJson);
  await writeFile(path.join(out, files.weightsName), new Uint8Array(files.weights));
  await writeFile(path.join(out, 'history.json'), JSON.stringify(history, null, 1));
  const round = (d: Record<string, number>) => Object.fromEntries(Object.entries(d).map(([k, x]) => [k, Math.round(x * 10000) / 10000]));
  const summary = {
    patient,
    slices: origin.corrections.instanceNumbers,
    parent: parentPath,
    settings: { epochs: settings.epochs, learningRate: settings.learningRate, batchSize: settings.batchSize, correctionRepeats: settings.correctionRepeats, maxReplaySlices: settings.maxReplaySlices, seed: settings.seed, size },
    corrections: result.counts.corrections,
    replay: result.replayed,
    epochs: result.state.epoch,
    diceBefore: round(diceBefore),
    diceAfter: round(diceAfter),
    finetuneSeconds: Math.round(result.seconds * 10) / 10,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    backend,
    out,
  };
  io.out(`${JSON.stringify(summary)}\n`);
  return 0;
}
