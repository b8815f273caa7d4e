// The ONNX round trip as a user makes it, small: `cli export-msd` of the two real patients,
// scripts/onnx_round_trip.py trains the reference UNet in PyTorch on 3Dircadb1.17 (64², base 8, ten
// epochs, ~10 s: the Dice need not be high, only the same) and exports model.onnx + its sidecar, and
// `cli segment --model model.onnx` on 3Dircadb1.1 gives a NIfTI whose Dice against the expert mask
// is PyTorch's own within 0.01. Then models that do not fit — three input channels, a rank-3 input,
// a sidecar of another size, no sidecar — are refused with a message naming the file.
import { runCliSync } from '../test-support/cliProcess';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../export/nifti';
import { main } from './main';
import { diceCoefficient } from '../metrics/diceCoefficient';

const repo = path.resolve(__dirname, '../..');
const data = path.resolve(repo, '../shared/data');
const work = mkdtempSync(path.join(tmpdir(), 'liverlab-onnx-'));

const torchPython = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch, nibabel, cv2, pydicom'], { encoding: 'utf8' }).status === 0) ?? null;

function cli(command: string, args: string[]) {
  return runCliSync([command, ...args]);
}
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

/** The CLI in this process (for refusals that happen before any DICOM is read). */
async function cliHere(args: string[]) {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  const status = await main(args, io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!torchPython)('ONNX round trip: PyTorch trains, the CLI segments with the .onnx', () => {
  if (!torchPython) console.log('ONNX round trip skipped: python3 cannot import torch, nibabel, cv2 and pydicom');
  const msd = path.join(work, 'msd');
  const rt = path.join(work, 'rt');
  let torch: { dice: number; diceKept: number; onnx: string; sidecar: string };
  beforeAll(() => {
    const exported = cli('export-msd', [path.join(data, '3Dircadb1.17'), path.join(data, '3Dircadb1.1'), '--out', msd, '--fast']);
    expect(exported.status, exported.stderr).toBe(0);
    const trained = spawnSync(torchPython!, [path.join(repo, 'scripts/onnx_round_trip.py'), msd, rt, '--size', '64', '--base', '8', '--epochs', '10', '--lr', '0.002'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(trained.status, trained.stderr).toBe(0);
    torch = lastJson(trained.stdout);
  }, 600_000);

  it('cli segment --model model.onnx on 3Dircadb1.1: the NIfTI\'s Dice against the expert mask is PyTorch\'s within 0.01', () => {
    expect(torch.dice, 'the small model finds the liver').toBeGreaterThan(0.5);
    const out = path.join(work, 'pred.nii.gz');
    const run = cli('segment', ['--model', torch.onnx, path.join(data, '3Dircadb1.1'), '--out-nifti', out]);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary).toMatchObject({ patient: '3Dircadb1.1', slices: 129, size: 64, threshold: 0.5, backend: 'onnxruntime-node (cpu)' });
    const nifti = readNifti(readFileSync(out));
    expect(nifti.dims).toEqual([512, 512, 129]);
    const label = readNifti(readFileSync(path.join(msd, 'labelsTr/3Dircadb1_1.nii.gz')));
    const dice = diceCoefficient(nifti.data, label.data)!;
    expect(dice).toBeCloseTo(summary.dice, 4);
    console.log(`[measure] ONNX round trip on 3Dircadb1.1: PyTorch Dice ${torch.dice}, cli segment (onnxruntime-node) Dice ${dice.toFixed(4)}, ${summary.inferMsPerSlice} ms per slice`);
    expect(Math.abs(dice - torch.dice)).toBeLessThan(0.01);
  });

  it('refuses an ONNX model with three input channels, one with a rank-3 input, a sidecar of another size, and a missing sidecar — naming the file', async () => {
    const script = `
import sys, json, torch, torch.nn as nn
class Rank3(nn.Module):
    def __init__(self): super().__init__(); self.c = nn.Conv2d(1, 1, 3, padding=1)
    def forward(self, x): return torch.sigmoid(self.c(x.unsqueeze(1)))
out = sys.argv[1]
torch.onnx.export(nn.Sequential(nn.Conv2d(3, 1, 3, padding=1), nn.Sigmoid()), torch.zeros(1, 3, 64, 64), out + '/rgb.onnx', input_names=['image'], output_names=['p'], dynamic_axes={'image': {0: 'b'}, 'p': {0: 'b'}})
torch.onnx.export(Rank3(), torch.zeros(1, 64, 64), out + '/rank3.onnx', input_names=['image'], output_names=['p'], dynamic_axes={'image': {0: 'b'}, 'p': {0: 'b'}})
`;
    const made = spawnSync(torchPython!, ['-c', script, work], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const sidecar = JSON.parse(readFileSync(torch.sidecar, 'utf8'));
    for (const name of ['rgb', 'rank3']) writeFileSync(path.join(work, `${name}.liverlab.json`), JSON.stringify(sidecar));
    const patient = path.join(data, '3Dircadb1.1');

    const rgb = await cliHere(['segment', '--model', path.join(work, 'rgb.onnx'), patient]);
    expect(rgb.status).toBe(1);
    expect(rgb.stderr).toContain(`${path.join(work, 'rgb.onnx')}: the model's input "image" takes 3 channels`);
    const rank3 = await cliHere(['segment', '--model', path.join(work, 'rank3.onnx'), patient]);
    expect(rank3.status).toBe(1);
    expect(rank3.stderr).toMatch(/rank3\.onnx: the model's input "image" has rank 3 .* LiverLab needs rank 4/);

    writeFileSync(torch.sidecar, JSON.stringify({ ...sidecar, inputSize: 96 }));
    const wrongSize = await cliHere(['segment', '--model', torch.onnx, patient]);
    expect(wrongSize.status).toBe(1);
    expect(wrongSize.stderr).toContain(`${torch.sidecar}: inputSize 96 does not fit the model's input [batch, 1, 64, 64] (NCHW)`);
    rmSync(torch.sidecar);
    const missing = await cliHere(['segment', '--model', torch.onnx, patient]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`needs its sidecar ${torch.sidecar} beside it`);
  });
});
