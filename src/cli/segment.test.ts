// The CLI's segment as a user runs it: a small model trained here in seconds (base 4, 64², on
// preprocessed phantoms) and saved the way `cli train --out DIR` saves it (model.json, its weights
// .bin and a history.json beside them), then `segment` on phantom patients
// written to disk (128² slices, so the model's input is resized), with and without ground truth,
// and on the real 3Dircadb1.17 zips. The files it writes read back; the Dice it prints is the Dice
// of the NIfTI it wrote against the truth.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDicomSeg } from '../export/dicomSeg';
import { readNifti } from '../export/nifti';
import { diceCoefficient } from '../metrics/diceCoefficient';
import { chooseBackend } from '../model/backends';
import { snapshotModel } from '../model/checkpoint';
import { toModelFiles } from '../model/modelFiles';
import { fitOnArrays } from '../model/train';
import { unet } from '../model/unet';
import { generatePhantomPatient } from '../phantom/phantom';
import { readSlice } from '../dicom/parse';
import { phantomVolumes } from '../test-support/phantomVolumes';
import { runCliSync } from '../test-support/cliProcess';

const repo = path.resolve(__dirname, '../..');
const patient17 = path.resolve(repo, '../shared/data/3Dircadb1.17');
const work = mkdtempSync(path.join(tmpdir(), 'liverlab-segment-'));
const modelDir = path.join(work, 'model');

function cli(args: string[]) {
  return runCliSync(['segment', ...args]);
}

function lastJson(stdout: string) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

function writePhantom(name: string, seed: number, withLiver = true): { dir: string; truth: Uint8Array } {
  const root = path.join(work, 'patients');
  const p = generatePhantomPatient({ name, size: 128, slices: 40, seed });
  const masks: Uint8Array[] = [];
  for (const f of p.files) {
    if (f.path.includes('/MASKS_DICOM/liver/')) {
      const slice = readSlice(f.bytes, f.path);
      if (slice.ok) masks[Number(f.path.match(/image_(\d+)$/)![1])] = Uint8Array.from(slice.value.pixels, (v) => (v > 0 ? 1 : 0));
      if (!withLiver) continue;
    }
    mkdirSync(path.join(root, path.dirname(f.path)), { recursive: true });
    writeFileSync(path.join(root, f.path), f.bytes);
  }
  const truth = new Uint8Array(masks.length * 128 * 128);
  masks.forEach((m, i) => truth.set(m, i * 128 * 128));
  return { dir: path.join(root, name), truth };
}

beforeAll(async () => {
  await chooseBackend('wasm');
  const volumes = await phantomVolumes(['Train.1', 'Train.2', 'Train.3'], 64, 40);
  const count = volumes.reduce((a, v) => a + v.kept, 0);
  const images = new Float32Array(count * 64 * 64);
  const masks = new Float32Array(count * 64 * 64);
  let at = 0;
  for (const v of volumes) {
    for (let i = 0; i < v.images.length; i++) {
      images[at + i] = v.images[i] / 255;
      masks[at + i] = v.masks[i];
    }
    at += v.images.length;
  }
  const model = unet({ baseFilters: 4, size: 64, seed: 3 });
  const t0 = performance.now();
  fitOnArrays(model, { images, masks, count, size: 64 }, { epochs: 12, batchSize: 4, learningRate: 3e-3, seed: 1 });
  console.log(`[measure] segment test model: 12 epochs on ${count} phantom slices (base 4, 64²) in ${Math.round(performance.now() - t0)} ms`);
  const files = toModelFiles(await snapshotModel(model), 'model');
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(path.join(modelDir, 'model.json'), files.modelJson);
  writeFileSync(path.join(modelDir, files.weightsName), new Uint8Array(files.weights));
  writeFileSync(path.join(modelDir, 'history.json'), JSON.stringify({ settings: { epochs: 12 }, history: [] }));
  model.dispose();
}, 300_000);

describe('npm run cli -- segment', () => {
  it('segments a phantom patient with the folder `cli train` writes: SEG and NIfTI read back to the same mask, whose Dice against the truth is the one printed', () => {
    const { dir, truth } = writePhantom('Phantom.7', 707);
    const seg = path.join(work, 'p7.dcm');
    const nifti = path.join(work, 'p7.nii.gz');
    const png = path.join(work, 'p7.png');
    const run = cli(['--model', modelDir, dir, '--threshold', '0.5', '--largest', '--out-seg', seg, '--out-nifti', nifti, '--out-png', png]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('model takes 64², slices are 128²: resized');
    const summary = lastJson(run.stdout);
    console.log(`[measure] cli segment phantom (40 slices of 128², 64² model, WASM): ${summary.inferMsPerSlice} ms/slice; Dice ${summary.dice}`);
    expect(summary).toMatchObject({ patient: 'Phantom.7', slices: 40, size: 64, threshold: 0.5, largest: true, backend: 'wasm', seg, nifti, png });
    for (const key of ['dice', 'iou', 'hausdorff95Mm', 'predictedMl', 'trueMl']) expect(typeof summary[key]).toBe('number');
    const n = readNifti(readFileSync(nifti));
    expect(n.dims).toEqual([128, 128, 40]);
    const s = readDicomSeg(readFileSync(seg));
    expect(s.frames).toBe(40);
    expect(Buffer.compare(s.labels, n.data)).toBe(0);
    expect(diceCoefficient(n.data, truth)).toBeCloseTo(summary.dice, 4);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('a patient without a liver mask: prediction written, metrics null with the reason', () => {
    const { dir } = writePhantom('Phantom.8', 808, false);
    const nifti = path.join(work, 'p8.nii.gz');
    const run = cli(['--model', path.join(modelDir, 'model.json'), dir, '--out-nifti', nifti]);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary).toMatchObject({ patient: 'Phantom.8', slices: 40, dice: null, iou: null, hausdorff95Mm: null, trueMl: null, metricsNote: 'no ground truth for this patient' });
    expect(typeof summary.predictedMl).toBe('number');
    expect(readNifti(readFileSync(nifti)).dims).toEqual([128, 128, 40]);
  });

  it('usage errors exit 2 and say why', () => {
    const run = cli([modelDir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--model is required');
  });

  it('segments 3Dircadb1.17 from its zips with the tiny model: every slice, files that read back', () => {
    if (!existsSync(patient17)) throw new Error(`real test data missing: ${patient17}`);
    const seg = path.join(work, 'p17.dcm');
    const nifti = path.join(work, 'p17.nii.gz');
    const t0 = performance.now();
    const run = cli(['--model', modelDir, path.join(patient17, 'PATIENT_DICOM.zip'), path.join(patient17, 'MASKS_DICOM.zip'), '--out-seg', seg, '--out-nifti', nifti]);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    console.log(`[measure] cli segment 3Dircadb1.17 (${summary.slices} slices of 512², 64² model, WASM): ${summary.inferMsPerSlice} ms/slice inference, ${Math.round(performance.now() - t0)} ms in all; Dice ${summary.dice}`);
    expect(summary).toMatchObject({ patient: '3Dircadb1.17', width: 512, height: 512, backend: 'wasm' });
    for (const key of ['dice', 'iou', 'predictedMl', 'trueMl']) expect(typeof summary[key]).toBe('number');
    expect(summary.trueMl).toBeGreaterThan(500);
    const n = readNifti(readFileSync(nifti));
    expect(n.dims).toEqual([512, 512, summary.slices]);
    const s = readDicomSeg(readFileSync(seg));
    expect(s.frames).toBe(summary.slices);
    expect(new Set(s.referencedSopInstanceUids).size).toBe(summary.slices);
    expect(Buffer.compare(s.labels, n.data)).toBe(0); // (toEqual walks 33 M entries one by one)
    rmSync(work, { recursive: true, force: true });
  }, 600_000);
});
