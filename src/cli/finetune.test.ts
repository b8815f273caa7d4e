// The CLI's finetune as a user runs it: phantom patients on disk, a model trained by `cli train`, a
// patient's corrections given as its mask files (or as a NIfTI), the other patients replayed; the new
// model saved like `train --out` and naming its parent. Bad corrections are refused, nothing written.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePhantomPatient } from '../phantom/phantom';
import { fromModelFiles, modelInputSize } from '../model/modelFiles';
import { runCliSync } from '../test-support/cliProcess';

const cli = (args: string[]) => runCliSync(args);

describe('npm run cli -- finetune', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'liverlab-cli-finetune-'));
  const data = path.join(dir, 'data');
  const parent = path.join(dir, 'parent');
  const patients = [1, 2, 3].map((i) => generatePhantomPatient({ name: `3Dircadb1.${i}`, size: 64, slices: i === 3 ? 36 : 40, seed: 40 + i }));
  for (const p of patients) {
    for (const f of p.files) {
      mkdirSync(path.join(data, path.dirname(f.path)), { recursive: true });
      writeFileSync(path.join(data, f.path), f.bytes);
    }
  }
  const masksOf = (n: number) => path.join(data, `3Dircadb1.${n}`, 'MASKS_DICOM');
  const patientFolders = [1, 2].map((n) => path.join(data, `3Dircadb1.${n}`));

  beforeAll(() => {
    const run = cli(['train', ...patientFolders, '--val', '2', '--epochs', '3', '--base', '4', '--size', '64', '--lr', '0.003', '--out', parent]);
    expect(run.status, run.stderr).toBe(0);
  });

  it('fine-tunes on one patient\'s corrected slices, replays the other, and saves a model naming its parent', () => {
    const out = path.join(dir, 'child');
    const run = cli(['finetune', '--model', parent, '--patient', '2', '--labels', masksOf(2), '--slices', '10,14,18,22-23', '--epochs', '4', '--lr', '0.001', ...patientFolders, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ patient: '3Dircadb1.2', slices: [10, 14, 18, 22, 23], parent, corrections: 5, epochs: 4, backend: 'wasm', out });
    expect(summary.replay).toEqual([{ patient: '3Dircadb1.1', slices: expect.any(Number) }]);
    expect(Object.keys(summary.diceBefore).sort()).toEqual(['3Dircadb1.1', '3Dircadb1.2']);
    expect(summary.diceAfter['3Dircadb1.2']).not.toBe(summary.diceBefore['3Dircadb1.2']);
    expect(run.stderr).toMatch(/corrections from .*MASKS_DICOM \(mask files: 40 liver mask slices placed by InstanceNumber\)/);
    expect(run.stderr).toMatch(/epoch 4\/4: loss -?\d/);
    const history = JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8'));
    expect(history.finetune).toMatchObject({ parent: { name: parent }, corrections: { patient: '3Dircadb1.2', instanceNumbers: [10, 14, 18, 22, 23] }, epochs: 4 });
    expect(history.history).toHaveLength(4);
    const snapshot = fromModelFiles(readFileSync(path.join(out, 'model.json'), 'utf8'), new Map([['model.weights.bin', new Uint8Array(readFileSync(path.join(out, 'model.weights.bin'))).buffer]]));
    expect(modelInputSize(snapshot)).toEqual({ ok: true, size: 64 });
    // The parent is as train wrote it.
    expect(JSON.parse(readFileSync(path.join(parent, 'history.json'), 'utf8')).finetune).toBeUndefined();
  });

  it('takes the corrections from a NIfTI of the patient\'s whole scan', () => {
    const nifti = path.join(dir, 'p2.nii.gz');
    const seg = cli(['segment', '--model', parent, patientFolders[1], '--out-nifti', nifti]);
    expect(seg.status, seg.stderr).toBe(0);
    const run = cli(['finetune', '--model', parent, '--patient', '3Dircadb1.2', '--labels', nifti, '--slices', '12,20', '--epochs', '1', ...patientFolders, '--out', path.join(dir, 'from-nifti')]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\(NIfTI: same orientation as the CT\)/);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!).slices).toEqual([12, 20]);
  });

  it('refuses corrections of another patient or shape, slices the CT lacks, and an empty list; writes nothing', () => {
    const out = path.join(dir, 'refused');
    const base = ['finetune', '--model', parent, '--patient', '2', '--epochs', '1', ...patientFolders, '--out', out];
    const other = cli([...base, '--labels', masksOf(1), '--slices', '10']);
    expect([other.status, other.stderr]).toEqual([1, expect.stringContaining('these are the masks of 3Dircadb1.1, not of 3Dircadb1.2')]);
    // Another scan's masks in a folder that names no patient: refused by their slice count.
    cpSync(masksOf(3), path.join(dir, 'corrected', 'MASKS_DICOM'), { recursive: true });
    const shorter = cli([...base, '--labels', path.join(dir, 'corrected', 'MASKS_DICOM'), '--slices', '10']);
    expect(shorter.stderr).toMatch(/36 liver mask slices, but 3Dircadb1\.2's CT has 40/);
    const missing = cli([...base, '--labels', masksOf(2), '--slices', '10,99']);
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringContaining("--slices: 3Dircadb1.2's CT has no slice with InstanceNumber 99")]);
    const empty = cli([...base, '--labels', masksOf(2), '--slices', ',']);
    expect([empty.status, empty.stderr]).toEqual([2, expect.stringContaining('--slices: no slice given')]);
    const nifti = path.join(dir, 'p3.nii.gz');
    expect(cli(['segment', '--model', parent, path.join(data, '3Dircadb1.3'), '--out-nifti', nifti]).status).toBe(0);
    const wrongNifti = cli([...base, '--labels', nifti, '--slices', '10']);
    expect(wrongNifti.stderr).toMatch(/p3\.nii\.gz: 36 slices, but 3Dircadb1\.2 shows 40 .*nothing was changed/);
    expect(existsSync(out)).toBe(false);
  });
});
