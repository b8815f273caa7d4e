// The CLI on a user's own scans. `segment` of 3Dircadb1.1's CT alone (PATIENT_DICOM.zip, no mask given)
// with the starter model — trained on 3Dircadb1.17 with the Laptop preset by `npm run train:starter`
// (the CLI's own train) — writes a NIfTI whose whole-scan Dice against the real mask files is ≥ 0.85
// and whose liver volume is within 5 % of the mask's. And NIfTI volumes go through inspect,
// preprocess, train and segment as DICOM does; a NIfTI that is not a 3-D volume is named.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../export/nifti';
import { diceCoefficient } from '../metrics/diceCoefficient';
import { collectNodeSources } from '../node/nodeSources';
import { loadPatientSeries } from '../discovery/loadPatientSeries';
import { generatePhantomPatient } from '../phantom/phantom';
import { readSlice } from '../dicom/parse';
import { AS_DICOM, huOf, niftiFromSeries, writeTestNifti } from '../test-support/niftiFiles';
import { requireRealData, SHARED_DATA } from '../test-support/realPatients';
import { runCliSync } from '../test-support/cliProcess';

const repo = path.resolve(__dirname, '../..');
const starter = path.join(repo, 'public/models/starter');
const work = mkdtempSync(path.join(tmpdir(), 'liverlab-own-'));

function cli(args: string[]) {
  return runCliSync(args);
}

function lastJson(stdout: string) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe('cli segment of 3Dircadb1.1’s CT alone with a model trained on 3Dircadb1.17', () => {
  beforeAll(requireRealData);

  it('whole-scan Dice of its NIfTI against the real mask ≥ 0.85, volume within 5 %', async () => {
    const out = path.join(work, 'p1.nii.gz');
    const run = cli(['segment', '--model', starter, path.join(SHARED_DATA, '3Dircadb1.1', 'PATIENT_DICOM.zip'), '--out-nifti', out]);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary).toMatchObject({ patient: '3Dircadb1.1', slices: 129, dice: null, metricsNote: 'no ground truth for this patient', scope: 'whole scan', keptSlab: null });

    const drop = await collectNodeSources([path.join(SHARED_DATA, '3Dircadb1.1')]);
    const series = await loadPatientSeries(drop.sources, '3Dircadb1.1', 'liver');
    if (!series.ok) throw new Error(series.problem.message);
    const px = 512 * 512;
    const truth = new Uint8Array(129 * px);
    series.value.masks.forEach((m, s) => m.pixels.forEach((v, i) => (truth[s * px + i] = v > 0 ? 1 : 0)));
    const nifti = readNifti(readFileSync(out));
    expect(nifti.dims).toEqual([512, 512, 129]);
    const dice = diceCoefficient(nifti.data, truth)!;
    const voxelMl = (nifti.pixdim[0] * nifti.pixdim[1] * nifti.pixdim[2]) / 1000;
    const [predictedMl, trueMl] = [nifti.data, truth].map((v) => v.reduce((a, b) => a + b, 0) * voxelMl);
    console.log(
      `[measure] cli segment 3Dircadb1.1 CT alone, starter model: Dice of its NIfTI vs the mask files ${dice.toFixed(4)}, ` +
        `${predictedMl.toFixed(1)} mL for ${trueMl.toFixed(1)} mL; ${summary.inferMsPerSlice} ms/slice on ${summary.backend}`,
    );
    expect(dice).toBeGreaterThanOrEqual(0.85);
    expect(Math.abs(predictedMl - trueMl) / trueMl).toBeLessThan(0.05);
    expect(summary.predictedMl).toBeCloseTo(predictedMl, 1);
  }, 300_000);
});

describe('NIfTI through the CLI', () => {
  const root = path.join(work, 'scans');
  beforeAll(() => {
    // A phantom patient as DICOM, and another as a LiTS pair of NIfTI volumes; a 4-D file beside them.
    const write = (file: string, bytes: Uint8Array) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), bytes);
    };
    for (const f of generatePhantomPatient({ name: 'Dicom.1', size: 64, slices: 32, seed: 5 }).files) write(f.path, f.bytes);
    const p = generatePhantomPatient({ name: 'Nifti', size: 64, slices: 32, seed: 6 });
    const read = (prefix: string) =>
      p.files
        .filter((f) => f.path.startsWith(prefix))
        .map((f) => readSlice(f.bytes, f.path))
        .map((r) => (r.ok ? r.value : (() => { throw new Error(r.problem.message); })()))
        .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
    const ct = read('Nifti/PATIENT_DICOM/');
    const hu = new Int16Array(ct.length * 64 * 64);
    ct.forEach((s, k) => huOf(s, hu.subarray(k * 64 * 64, (k + 1) * 64 * 64)));
    const liver = new Uint8Array(ct.length * 64 * 64);
    read('Nifti/MASKS_DICOM/liver/').forEach((m, k) => m.pixels.forEach((v, i) => (liver[k * 64 * 64 + i] = v > 0 ? 1 : 0)));
    const volume = niftiFromSeries(ct, hu, AS_DICOM, (n) => new Int16Array(n));
    write('lits/volume-2.nii.gz', writeTestNifti(volume));
    write('lits/segmentation-2.nii.gz', writeTestNifti(niftiFromSeries(ct, liver, AS_DICOM, (n) => new Uint8Array(n))));
    write('other/run.nii.gz', writeTestNifti(volume, { dims4: [3] }));
  });

  it('inspect lists the NIfTI patient with its liver, and names the 4-D file', () => {
    const run = cli(['inspect', root]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.patients.map((p: { name: string; slices: number; organs: { organ: string }[]; usable: boolean }) => [p.name, p.slices, p.organs.map((o) => o.organ), p.usable])).toEqual([
      ['Dicom.1', 32, ['bone', 'liver'], true],
      ['volume-2', 32, ['liver'], true],
    ]);
    expect(report.problems).toEqual([{ file: 'scans/other/run.nii.gz', message: expect.stringMatching(/^not a 3-D scalar volume: 4-D, 64×64×32×3 voxels/), severity: 'error' }]);
  });

  it('preprocess, train and segment read the NIfTI patient as they read DICOM', () => {
    const h5 = path.join(work, 'data.h5');
    const pre = cli(['preprocess', root, '--val', 'Dicom.1', '--out', h5]);
    expect(pre.status, pre.stderr).toBe(0);
    expect(pre.stderr).toContain('scans/other/run.nii.gz: not a 3-D scalar volume');
    const written = lastJson(pre.stdout).patients;
    expect(written.map((w: { name: string; split: string }) => [w.name, w.split])).toEqual([
      ['volume-2', 'train'],
      ['Dicom.1', 'val'],
    ]);

    const model = path.join(work, 'model');
    const train = cli(['train', root, '--val', 'Dicom.1', '--out', model, '--epochs', '1', '--base', '4', '--size', '64', '--batch', '4']);
    expect(train.status, train.stderr).toBe(0);
    expect(lastJson(train.stdout)).toMatchObject({ epochs: 1, trainSlices: written[0].kept, valSlices: written[1].kept });

    const out = path.join(work, 'v2.nii.gz');
    const seg = cli(['segment', '--model', model, root, '--patient', 'volume-2', '--out-nifti', out]);
    expect(seg.status, seg.stderr).toBe(0);
    const summary = lastJson(seg.stdout);
    expect(summary).toMatchObject({ patient: 'volume-2', slices: 32, scope: 'whole scan' });
    expect(typeof summary.dice).toBe('number');
    expect(summary.keptSlab).toMatchObject({ from: written[0].start + 5, to: written[0].end - 6 });
    expect(readNifti(readFileSync(out)).dims).toEqual([64, 64, 32]);
  }, 300_000);
});
