// `preprocess <folders-or-zips…> --out data.h5`: the browser's preprocessing, run in Node on the
// same core (dicom/ → pipeline/), written as the reference Keras tutorial's HDF5 (images /255 and
// masks 0/1, float32, (N, H, W, 1)); `--val` patients go to a second file. One patient in memory
// at a time. Prints progress on stderr and one JSON summary as the last line of stdout.
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import type { Problem, SourceFile } from '../common/types';
import { DEFAULT_PIPELINE_PARAMS, type PipelineParams } from '../pipeline/params';
import { checkPipelineParams } from '../pipeline/preprocessPatient';
import { writeReferenceHdf5, type Hdf5Patient } from '../export/hdf5';
import { runPreprocessJob } from '../jobs/preprocess/wholePatient';
import type { StepTimes } from '../jobs/preprocess/types';
import type { CliCommand, CliIo } from './command';
import { readArgs } from './args';
import { collectNodeSources } from '../node/nodeSources';
import { matchPatients } from './patientSelection';
import { dropPatients } from './dropPatients';

const USAGE = `Usage: npm run cli -- preprocess <folder|file|zip>… --out data.h5 [options]

Runs the reference preprocessing (HU, window, organ range, CLAHE, keep start+margin..end-margin-1)
and writes HDF5 in the Keras tutorial's layout: datasets "images" (/255) and "masks" (0/1),
float32, shape (N, H, W, 1), readable by h5py.

Options:
  --out FILE          the training file (required)
  --val LIST          validation patients, by name or number (e.g. 18,19,20 or 3Dircadb1.18);
                      written to FILE with ".val.h5" instead of ".h5"
  --organ NAME        mask folder under MASKS_DICOM (default liver)
  --window W,C        window width and centre in HU (default 500,150)
  --clip X            CLAHE clip limit (default 2)
  --tiles N | NxM     CLAHE tiles across x down (default 8x8)
  --margin N          slices dropped at each end of the organ's range (default 5)

Last line of stdout: {"out","valOut","patients":[{name,split,start,end,kept}],"slices","seconds",...}
Exit code: 0 when at least one patient was written, 1 when none, 2 on a usage error.
`;

export const preprocessCommand: CliCommand = {
  usage: USAGE,
  run: runPreprocess,
};

interface Written {
  name: string;
  split: 'train' | 'val';
  start: number;
  end: number;
  kept: number;
}

async function runPreprocess(args: string[], io: CliIo): Promise<number> {
  const parsed = readArgs(
    'preprocess',
    USAGE,
    args,
    {
      out: { type: 'string' },
      val: { type: 'string' },
      organ: { type: 'string' },
      window: { type: 'string' },
      clip: { type: 'string' },
      tiles: { type: 'string' },
      margin: { type: 'string' },
    },
    io,
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const params = paramsFrom(values);
  const paramProblem = typeof params === 'string' ? params : checkPipelineParams(params);
  if (!values.out || positionals.length === 0 || paramProblem) {
    io.err(`preprocess: ${paramProblem ?? (values.out ? 'give at least one folder, file or zip' : '--out is required')}\n\n${USAGE}`);
    return 2;
  }
  const pipeline = params as PipelineParams;
  const drop = await collectNodeSources(positionals);
  if (drop.missing.length > 0) {
    io.err(`preprocess: no such file or folder: ${drop.missing.join(', ')}\n`);
    return 2;
  }
  const t0 = performance.now();
  const found = await dropPatients('preprocess', drop, pipeline.organ, io);
  const selection = matchPatients(found.names, values.val);
  if (!selection.ok) {
    io.err(`preprocess: ${selection.message}\n`);
    return 2;
  }
  const { train, val } = selection;
  const out = path.resolve(values.out);
  const valOut = val.length > 0 ? out.replace(/(\.h5|\.hdf5)?$/i, '.val.h5') : null;
  const written: Written[] = [];
  const problems: Problem[] = [];
  const totals: StepTimes = { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: 0 };
  let slicesRead = 0;

  async function* processed(patients: string[], split: Written['split']): AsyncIterable<Hdf5Patient> {
    for (const name of patients) {
      io.err(`preprocess: ${name}…\n`);
      const outcome = await runPreprocessJob(null, { patient: name, files: found.filesOf(name), sources: drop.sources as SourceFile[], params: pipeline, spacing: null });
      for (const k of Object.keys(totals) as (keyof StepTimes)[]) totals[k] += outcome.times[k];
      if (!outcome.ok || !outcome.pixels) {
        if (!outcome.ok) problems.push(outcome.problem);
        continue;
      }
      if (outcome.meta.groundTruth === false) {
        problems.push({ file: name, message: `no ${pipeline.organ} mask: not written (the HDF5 holds training pairs)`, severity: 'warning' });
        continue;
      }
      const m = outcome.meta;
      slicesRead += m.sliceCount;
      written.push({ name, split, start: m.start, end: m.end, kept: m.kept });
      yield { name, width: m.width, height: m.height, kept: m.kept, images: outcome.pixels.images, masks: outcome.pixels.masks };
    }
  }

  await h5wasm.ready;
  const t1 = performance.now();
  await writeReferenceHdf5(h5wasm, out, processed(train, 'train'));
  if (valOut) await writeReferenceHdf5(h5wasm, valOut, processed(val, 'val'));
  const writeMs = performance.now() - t1 - totals.readMs - totals.windowMs - totals.claheMs;
  const seconds = (performance.now() - t0) / 1000;
  const summary = {
    out,
    valOut,
    organ: pipeline.organ,
    patients: written,
    problems,
    slices: written.reduce((a, w) => a + w.kept, 0),
    slicesRead,
    seconds: round(seconds),
    slicesPerSecond: round(slicesRead / seconds),
    timesMs: { read: round(totals.readMs), window: round(totals.windowMs), clahe: round(totals.claheMs), write: round(writeMs) },
  };
  io.out(`${JSON.stringify(summary)}\n`);
  return written.length > 0 ? 0 : 1;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function paramsFrom(v: Record<string, string | boolean | undefined>): PipelineParams | string {
  const p: PipelineParams = { ...DEFAULT_PIPELINE_PARAMS };
  if (typeof v.organ === 'string') p.organ = v.organ;
  if (typeof v.window === 'string') {
    const [w, c] = v.window.split(',').map(Number);
    if (!Number.isFinite(w) || !Number.isFinite(c)) return `--window takes W,C (e.g. 500,150), got ${v.window}`;
    p.windowWidth = w;
    p.windowCenter = c;
  }
  if (typeof v.clip === 'string') p.claheClipLimit = Number(v.clip);
  if (typeof v.tiles === 'string') {
    const [x, y = x] = v.tiles.toLowerCase().split('x').map(Number);
    p.claheTilesX = x;
    p.claheTilesY = y;
  }
  if (typeof v.margin === 'string') p.margin = Number(v.margin);
  return p;
}
