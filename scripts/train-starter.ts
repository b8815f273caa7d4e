// `npm run train:starter`: makes the starter liver model the app ships (public/models/starter/), so a
// first visit can segment before anything has been trained. It is the CLI's own `train` on the real
// patients beside the repo — trained on 3Dircadb1.17, validated (the best epoch kept) on 3Dircadb1.1,
// Laptop preset (UNet base 8, 128², 20 epochs, seed 1) — then the CLI's `segment` of 3Dircadb1.1's
// whole scan against its mask, for the held-out figures. Writes model.json + model.weights.bin (tfjs
// layers, what "Import model…" reads), starter.json (what the app shows: data, Dice, not for clinical
// use) and prints one JSON summary. A few minutes of CPU; run it again only to remake the model.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = resolve(repo, '../shared/data');
const out = join(repo, 'public/models/starter');
/** The repository refuses files over 2 MiB. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

function cli(args: string[]): Record<string, unknown> {
  console.error(`$ npm run cli -- ${args.join(' ')}`);
  const run = spawnSync(process.execPath, [join(repo, 'scripts/cli.mjs'), ...args], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`cli ${args[0]} failed (exit ${run.status})`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

const work = mkdtempSync(join(tmpdir(), 'liverlab-starter-'));
const started = Date.now();
const trained = cli(['train', join(data, '3Dircadb1.17'), join(data, '3Dircadb1.1'), '--val', '3Dircadb1.1', '--preset', 'laptop', '--out', work]);
const segmented = cli(['segment', '--model', work, join(data, '3Dircadb1.1'), '--out-nifti', join(work, 'held-out.nii.gz')]);
const history = JSON.parse(readFileSync(join(work, 'history.json'), 'utf8')) as { settings: Record<string, unknown>; history: { epoch: number; valDice: number | null }[] };

mkdirSync(out, { recursive: true });
for (const file of ['model.json', 'model.weights.bin']) {
  const size = statSync(join(work, file)).size;
  if (size > MAX_FILE_BYTES) throw new Error(`${file} is ${size} bytes: over the repository's 2 MiB limit`);
  copyFileSync(join(work, file), join(out, file));
}
const round = (x: unknown) => (typeof x === 'number' ? Math.round(x * 10000) / 10000 : null);
const starter = {
  name: 'Starter liver model',
  model: 'model.json',
  trainedOn: ['3Dircadb1.17'],
  heldOut: '3Dircadb1.1',
  dataset: '3D-IRCADb-01 (IRCAD, Strasbourg), research and education use',
  preset: 'laptop',
  settings: history.settings,
  epochs: trained.epochs,
  bestEpoch: trained.bestEpoch,
  /** Volume Dice on 3Dircadb1.1's kept slices (as trained), at the epoch kept — chosen on this patient, so it flatters. */
  heldOutSlabDice: round(trained.valDice),
  /** The last epoch's, for comparison. */
  lastEpochSlabDice: round(trained.lastValDice),
  /** `cli segment` of 3Dircadb1.1's whole scan (129 slices) against its whole liver mask. */
  heldOutScanDice: round(segmented.dice),
  heldOutScanVolumeMl: { predicted: round(segmented.predictedMl), true: round(segmented.trueMl) },
  trainingSeconds: trained.trainingSeconds,
  madeBy: 'npm run train:starter',
  notForClinicalUse: true,
};
writeFileSync(join(out, 'starter.json'), `${JSON.stringify(starter, null, 2)}\n`);
console.log(JSON.stringify({ ...starter, settings: undefined, out, seconds: Math.round((Date.now() - started) / 1000) }));
