// `cli export-msd` as a user runs it on the two real patients, read back by tools that are not ours:
// nibabel and pydicom (Debian's python3) check that every CT pixel's HU and every mask pixel sit in
// the voxel the NIfTI affine puts at that pixel's DICOM position, and that dataset.json is what
// nnU-Net v2 and MONAI read. Then the bad targets: a file, a folder with files in it, a disk without
// room (a 2 MiB tmpfs, when this machine lets the test mount one), a patient without the organ —
// each a clear message, and nothing left behind.
import { runCliSync } from '../test-support/cliProcess';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setInflateRaw } from '../archive/inflate';
import { nodeInflateRaw } from '../node/nodeInflate';
import { main } from './main';

const repo = path.resolve(__dirname, '../..');
const data = path.resolve(repo, '../shared/data');
const patients = ['3Dircadb1.17', '3Dircadb1.1'].map((p) => path.join(data, p));
const work = mkdtempSync(path.join(tmpdir(), 'liverlab-msd-'));

function cli(args: string[]) {
  return runCliSync(['export-msd', ...args]);
}

/** The CLI in this process, as main.ts sets it up (the refusals: no tsx start-up each). */
async function cliHere(args: string[]) {
  setInflateRaw(nodeInflateRaw);
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  const status = await main(['export-msd', ...args], io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

function checkerPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import nibabel, pydicom, numpy'], { encoding: 'utf8' }).status === 0) return python;
  }
  return null;
}
const python = checkerPython();

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!python)('export-msd of both real patients, read back by nibabel and pydicom', () => {
  if (!python) console.log('MSD read-back skipped: python3 cannot import nibabel and pydicom (apt-get install python3-nibabel python3-pydicom)');
  it('writes imagesTr (HU, int16), labelsTr (0/1) and dataset.json that match the DICOM voxel for voxel, in the affine\'s orientation', () => {
    const out = path.join(work, 'Dataset501_Liver');
    const run = cli([...patients, '--organ', 'liver', '--out', out, '--fast']);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(summary.cases.map((c: { caseId: string }) => c.caseId).sort()).toEqual(['3Dircadb1_1', '3Dircadb1_17']);
    expect(readdirSync(out).sort()).toEqual(['dataset.json', 'imagesTr', 'labelsTr']);

    const check = spawnSync(python!, [path.join(repo, 'src/test-support/msd_check.py'), out, ...patients], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(check.stderr).toBe('');
    const read = JSON.parse(check.stdout);
    expect(read.channel_names).toEqual({ '0': 'CT' });
    expect(read.labels).toEqual({ background: 0, liver: 1 });
    expect(read.numTraining).toBe(2);
    expect(read.file_ending).toBe('.nii.gz');
    expect(read.licence).toMatch(/IRCAD/);
    expect(read.reference).toMatch(/Soler/);
    expect(read.training).toContainEqual({ image: './imagesTr/3Dircadb1_17_0000.nii.gz', label: './labelsTr/3Dircadb1_17.nii.gz' });
    const facts: Record<string, { slices: number; spacing: number; liver: number }> = {
      '3Dircadb1.17': { slices: 119, spacing: 0.743, liver: 2106497 },
      '3Dircadb1.1': { slices: 129, spacing: 0.57, liver: 2865131 },
    };
    for (const c of read.cases) {
      const f = facts[c.patient];
      expect(c.shape).toEqual([512, 512, f.slices]);
      expect(c.labelShape).toEqual(c.shape);
      expect([c.dtype, c.labelDtype]).toEqual(['int16', 'uint8']);
      expect(c.labelValues).toEqual([0, 1]);
      expect(c.sameAffine).toBe(true);
      expect(c.axcodes).toBe('LPS');
      expect(c.zooms[0]).toBeCloseTo(f.spacing, 3);
      expect(c.zooms[2]).toBeCloseTo(1.6, 4);
      expect(c.slicesSeen).toBe(f.slices);
      expect(c.slicesInZip).toBe(f.slices);
      expect(c.maxOffGrid).toBeLessThan(1e-3);
      expect(c.huMismatch).toBe(0);
      expect(c.labelMismatch).toBe(0);
      expect(c.organVoxels).toBe(f.liver);
    }
  });
});

describe('export-msd refuses targets it cannot use, and leaves nothing behind', () => {
  it('refuses a file, and a folder that already holds files (untouched)', async () => {
    const file = path.join(work, 'a-file');
    writeFileSync(file, 'keep me');
    const onFile = await cliHere([patients[1], '--out', file]);
    expect(onFile.status).toBe(2);
    expect(onFile.stderr).toContain(`${file} is a file`);
    const full = path.join(work, 'not-empty');
    mkdirSync(full);
    writeFileSync(path.join(full, 'notes.txt'), 'mine');
    const onFull = await cliHere([patients[1], '--out', full]);
    expect(onFull.status).toBe(2);
    expect(onFull.stderr).toContain('is not empty');
    expect(readdirSync(full)).toEqual(['notes.txt']);
  });

  it('skips a patient without the organ, naming it; with none left it writes nothing', async () => {
    const out = path.join(work, 'no-organ');
    const run = await cliHere([patients[1], '--organ', 'livertumor1', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/3Dircadb1\.1.*no readable livertumor1 mask/);
    expect(existsSync(out)).toBe(false);
  });

  const mountPoint = path.join(work, 'small-disk');
  mkdirSync(mountPoint);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { encoding: 'utf8' }).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mountPoint]);
  });
  it.skipIf(!mounted)('on a disk without room: says which file could not be written, and removes what it wrote', async () => {
    const out = path.join(mountPoint, 'Dataset502');
    const run = await cliHere([patients[1], '--out', out, '--fast']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/imagesTr\/3Dircadb1_1_0000\.nii\.gz: .*ENOSPC.*nothing of the export was kept/);
    expect(readdirSync(mountPoint)).toEqual([]);
  });
  if (!mounted) console.log('no-room test skipped: this machine does not let the test mount a small tmpfs (needs root)');
});
