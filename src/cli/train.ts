// `train <folders-or-zips…> --val <patients> --preset laptop --out <dir>`: the tab's trainer, run
// in Node on the same core (pipeline → sliceSet → Trainer) on the WASM backend with our training
// kernels. Here: the arguments, preprocessing the patients once, and the summary; each seed's run
// (`--seed N`, or the same recipe once per seed with `--seeds 1,2,3`) is trainSeed.ts, which saves
// the best model by validation Dice and history.json. Progress on stderr; the last stdout line is JSON.
import path from 'node:path';
import { chooseBackend, type BackendName } from '../model/backends';
import { PRESETS, checkTrainerSettings, type PresetName } from '../model/presets';
import { medianAndSpread, parseSeeds, seedSpread } from '../model/seedRepeats';
import { buildSliceSet, type PatientVolumeLike } from '../model/sliceSet';
import type { TrainerSettings } from '../model/trainer';
import type { AugmentMode } from '../model/batches';
import { LOSS_NAMES, type LossName } from '../model/losses';
import { CONSTANT_SCHEDULE, checkSchedule, type LearningRateDecay } from '../model/schedule';
import { parseAugmentRanges } from './augmentRanges';
import { DEFAULT_PIPELINE_PARAMS } from '../pipeline/params';
import { runPreprocessJob } from '../jobs/preprocess/wholePatient';
import type { CliCommand, CliIo } from './command';
import { readArgs } from './args';
import { collectNodeSources } from '../node/nodeSources';
import { matchPatients } from './patientSelection';
import { trainOneSeed, type SeedSummary } from './trainSeed';
import { dropPatients } from './dropPatients';
import { defaultTrainingThreads, startTrainingThreads } from './replicaThreads';
import { unet } from '../model/unet';

const USAGE = `Usage: npm run cli -- train <folder|file|zip>… --val <patients> --out <dir> [options]

Preprocesses the patients (reference pipeline), trains the reference UNet on the training
patients and validates on every slice of the --val patients after each epoch, on the WASM
backend (or --backend cpu). Saves the best model by validation Dice to <dir>/model.json +
<dir>/model.weights.bin (tfjs layers format; the app's "Import model…" reads it) and
<dir>/history.json (settings, seed, split and every epoch).

Options:
  --val LIST          validation patients by name or number (e.g. 3Dircadb1.1 or 1,18); required
  --out DIR           where to save the model (required)
  --preset NAME       laptop (default: base 8, 128², batch 8, lr 1e-3 with 1 epoch of warm-up and a cosine
                      decay, −Dice + BCE, augmentation rotation=15,shift=0.1,zoom=0.2,shear=5,brightness=0.2,
                      channel-shift=20, weights averaged (0.95), 24 epochs) or reference (the reference's:
                      −Dice, constant lr, its ranges)
  --epochs N --base N --size N --batch N --lr X    override the preset
  --seed N            the run's seed: weights' initialisation, batch order, augmentation (default 1)
  --seeds LIST        the same recipe once per seed (e.g. 1,2,3), each saved to <dir>/seed-<N>/;
                      reports each validation patient's median and spread (max − min) over the seeds
  --augment MODE      online (default), offline (the reference's) or none
  --ranges LIST       augmentation ranges, Keras's names and units, e.g. rotation=10,shift=0.05,
                      shear=5,zoom=0.1,brightness=0.2,channel-shift=20 (shift sets width and height;
                      brightness r: factors 1 − r … 1 + r; channel-shift: grey levels of 255; unnamed
                      ones keep the preset's)
  --loss NAME         dice (the reference's −Dice) or dicebce (−Dice + binary cross-entropy)
  --schedule NAME     learning-rate decay after the warm-up: constant, cosine or step (×0.1 at 2/3)
  --warmup N          epochs of linear learning-rate warm-up (fractions allowed; default the preset's)
  --min-lr-fraction X where cosine ends, as a fraction of --lr (default 0)
  --average DECAY     validate and save an exponential moving average of the weights (e.g. 0.98; 0: off)
  --organ NAME        mask folder (default liver)
  --backend NAME      wasm (default) or cpu
  --threads N         split each WASM step's batch over N threads (default: one a core, at most 4 and
                      the batch size; 1: one thread). The same N gives the same run every time; another
                      N the same run up to float rounding

Last line of stdout: {"backend","seed","epochs","valDice","perPatientDice","bestEpoch","seconds","out",...};
with --seeds: {"backend","seeds":[{"seed","valDice","perPatientDice","bestEpoch",...}],
"perPatient":{"<patient>":{"dice":[…],"median","spread"}},"valDice":{"median","spread"},"seconds","out"}
Exit code: 0 when trained, 1 when training failed, 2 on a usage error.
`;

export const trainCommand: CliCommand = {
  usage: USAGE,
  run: runTrain,
};

async function runTrain(args: string[], io: CliIo): Promise<number> {
  const optionNames = ['val', 'out', 'preset', 'epochs', 'base', 'size', 'batch', 'lr', 'seed', 'seeds', 'augment', 'ranges', 'loss', 'schedule', 'warmup', 'min-lr-fraction', 'average', 'organ', 'backend', 'threads'];
  const parsed = readArgs('train', USAGE, args, Object.fromEntries(optionNames.map((k) => [k, { type: 'string' as const }])), io);
  if (!parsed) return 2;
  const v = parsed.values as Record<string, string | undefined>;
  const usage = (m: string) => {
    io.err(`train: ${m}\n\n${USAGE}`);
    return 2;
  };
  if (parsed.positionals.length === 0) return usage('give at least one folder, file or zip');
  if (!v.out) return usage('--out is required');
  if (!v.val) return usage('--val is required: name the patients that validate (never trained on)');
  const preset = (v.preset ?? 'laptop') as PresetName;
  if (!PRESETS[preset]) return usage(`--preset must be ${Object.keys(PRESETS).join(' or ')}`);
  const settings: TrainerSettings = structuredClone(PRESETS[preset].settings);
  const num = (k: string) => (v[k] === undefined ? undefined : Number(v[k]));
  settings.epochs = num('epochs') ?? settings.epochs;
  settings.baseFilters = num('base') ?? settings.baseFilters;
  settings.size = num('size') ?? settings.size;
  settings.batchSize = num('batch') ?? settings.batchSize;
  settings.learningRate = num('lr') ?? settings.learningRate;
  settings.seed = num('seed') ?? settings.seed;
  if (v.seed !== undefined && v.seeds !== undefined) return usage('give --seed or --seeds, not both');
  const seeds = v.seeds === undefined ? [settings.seed] : parseSeeds(v.seeds);
  if (typeof seeds === 'string') return usage(`--seeds: ${seeds}`);
  if (v.augment) {
    if (!['online', 'offline', 'none'].includes(v.augment)) return usage('--augment must be online, offline or none');
    settings.augment.mode = v.augment as AugmentMode;
  }
  if (v.ranges) {
    const ranges = parseAugmentRanges(v.ranges, settings.augment.ranges);
    if (typeof ranges === 'string') return usage(`--ranges: ${ranges}`);
    settings.augment.ranges = ranges;
  }
  if (v.loss) {
    if (!LOSS_NAMES.includes(v.loss as LossName)) return usage(`--loss must be ${LOSS_NAMES.join(' or ')}`);
    settings.loss = v.loss as LossName;
  }
  if (v.schedule !== undefined || v.warmup !== undefined || v['min-lr-fraction'] !== undefined) {
    const schedule = { ...CONSTANT_SCHEDULE, ...settings.schedule };
    if (v.schedule !== undefined) schedule.decay = v.schedule as LearningRateDecay;
    schedule.warmupEpochs = num('warmup') ?? schedule.warmupEpochs;
    schedule.minFraction = num('min-lr-fraction') ?? schedule.minFraction;
    const wrong = checkSchedule(schedule);
    if (wrong) return usage(wrong);
    settings.schedule = schedule;
  }
  if (v.average !== undefined) {
    const decay = Number(v.average);
    if (!(decay >= 0 && decay < 1)) return usage('--average must be a decay from 0 (off) to below 1');
    settings.weightAverage = decay || undefined;
  }
  const bad = checkTrainerSettings(settings) ?? seeds.map((seed) => checkTrainerSettings({ ...settings, seed })).find((m) => m !== null);
  if (bad) return usage(bad);
  const backendName = (v.backend ?? 'wasm') as BackendName;
  if (backendName !== 'wasm' && backendName !== 'cpu') return usage('--backend must be wasm or cpu in Node');
  const threads = backendName === 'wasm' ? (num('threads') ?? defaultTrainingThreads(settings.batchSize)) : 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > settings.batchSize) return usage(`--threads must be a whole number from 1 to the batch size (${settings.batchSize})`);

  const drop = await collectNodeSources(parsed.positionals);
  if (drop.missing.length > 0) return usage(`no such file or folder: ${drop.missing.join(', ')}`);
  const t0 = performance.now();
  const params = { ...DEFAULT_PIPELINE_PARAMS, organ: v.organ ?? DEFAULT_PIPELINE_PARAMS.organ };
  const found = await dropPatients('train', drop, params.organ, io);
  const split = matchPatients(found.names, v.val);
  if (!split.ok) return usage(split.message);
  if (split.train.length === 0) return usage('every patient is in --val: nothing left to train on');

  const load = async (list: string[]): Promise<PatientVolumeLike[]> => {
    const out: PatientVolumeLike[] = [];
    for (const name of list) {
      io.err(`train: preprocessing ${name}…\n`);
      const r = await runPreprocessJob(null, { patient: name, files: found.filesOf(name), sources: drop.sources, params, spacing: null });
      if (!r.ok || !r.pixels || r.meta.groundTruth === false) {
        io.err(`train: ${name} skipped: ${!r.ok ? r.problem.message : r.pixels ? `no ${params.organ} mask (no ground truth to learn from)` : 'no pixels'}\n`);
        continue;
      }
      out.push({ name, width: r.meta.width, height: r.meta.height, kept: r.meta.kept, images: r.pixels.images, masks: r.pixels.masks });
    }
    return out;
  };
  const trainVolumes = await load(split.train);
  const valVolumes = await load(split.val);
  if (trainVolumes.length === 0 || valVolumes.length === 0) {
    io.err('train: need at least one usable training and one usable validation patient\n');
    return 1;
  }
  const { backend } = await chooseBackend(backendName);
  const train = buildSliceSet(trainVolumes, settings.size);
  const val = buildSliceSet(valVolumes, settings.size);
  const shape = unet({ baseFilters: settings.baseFilters, size: settings.size });
  const parallel = await startTrainingThreads(shape, threads, settings.batchSize).finally(() => shape.dispose());
  io.err(`train: ${train.count} training slices (${split.train.join(', ')}), ${val.count} validation slices (${split.val.join(', ')}), ${backend}, ${threads} thread${threads > 1 ? 's' : ''}\n`);
  const out = path.resolve(v.out);
  const runs: SeedSummary[] = [];
  try {
    for (const seed of seeds) {
      const seedOut = seeds.length > 1 ? path.join(out, `seed-${seed}`) : out;
      runs.push(await trainOneSeed({ settings: { ...settings, seed }, train, val, split, out: seedOut, step: parallel?.step }, io));
    }
  } finally {
    parallel?.close();
  }
  const common = { backend, threads, trainSlices: train.count, valSlices: val.count, seconds: Math.round((performance.now() - t0) / 100) / 10, out };
  let summary: object;
  if (seeds.length === 1) summary = { ...runs[0], ...common };
  else {
    const spread = seedSpread(runs);
    for (const p of spread) io.err(`train: ${p.patient}: Dice ${p.dice.map((d) => d?.toFixed(3) ?? '—').join(' / ')} (seeds ${seeds.join(' / ')}): median ${p.median.toFixed(3)}, spread ${p.spread.toFixed(3)}\n`);
    summary = {
      ...common,
      seeds: runs,
      perPatient: Object.fromEntries(spread.map((p) => [p.patient, { dice: p.dice, median: p.median, spread: p.spread }])),
      valDice: medianAndSpread(runs.map((r) => r.valDice)),
    };
  }
  io.out(`${JSON.stringify(summary)}\n`);
  return 0;
}
