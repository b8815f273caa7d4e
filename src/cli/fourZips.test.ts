// The CLI given two patients' official zips in one folder, named as a browser saves a second download
// (`PATIENT_DICOM.zip`, `PATIENT_DICOM (1).zip`, `MASKS_DICOM.zip`, `MASKS_DICOM (1).zip`, the masks
// saved in the other order): inspect and preprocess pair each CT with its own masks, by what the files
// say, and name the patients 3Dircadb1.1 and 3Dircadb1.17.
import { runCliSync } from '../test-support/cliProcess';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA, requireRealData } from '../test-support/realPatients';


function cli(args: string[]) {
  return runCliSync(args);
}

function lastJson(stdout: string) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe('the CLI on two patients’ zips saved side by side in one folder', () => {
  let folder: string;
  beforeAll(() => {
    requireRealData();
    folder = path.join(mkdtempSync(path.join(tmpdir(), 'liverlab-four-')), 'Downloads');
    mkdirSync(folder);
    const link = (patient: string, zip: string, as: string) => symlinkSync(path.join(SHARED_DATA, patient, zip), path.join(folder, as));
    link('3Dircadb1.1', 'PATIENT_DICOM.zip', 'PATIENT_DICOM.zip');
    link('3Dircadb1.17', 'PATIENT_DICOM.zip', 'PATIENT_DICOM (1).zip');
    link('3Dircadb1.17', 'MASKS_DICOM.zip', 'MASKS_DICOM.zip');
    link('3Dircadb1.1', 'MASKS_DICOM.zip', 'MASKS_DICOM (1).zip');
  });

  it('inspect: two patients, each CT with its own masks', () => {
    const run = cli(['inspect', folder]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.problems).toEqual([]);
    expect(
      report.patients.map((p: { name: string; slices: number; organs: { organ: string; nonEmptyRange: [number, number] | null }[] }) => ({
        name: p.name,
        slices: p.slices,
        organs: p.organs.length,
        liver: p.organs.find((o) => o.organ === 'liver')?.nonEmptyRange,
      })),
    ).toEqual([
      { name: '3Dircadb1.1', slices: 129, organs: 1, liver: [27, 124] },
      { name: '3Dircadb1.17', slices: 119, organs: 8, liver: [1, 113] },
    ]);
  });

  it('preprocess --val 1: each patient’s liver range and kept slices from its own mask', () => {
    const out = path.join(path.dirname(folder), 'data.h5');
    const run = cli(['preprocess', folder, '--val', '1', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(lastJson(run.stdout).patients).toEqual([
      { name: '3Dircadb1.17', split: 'train', start: 1, end: 113, kept: 102 },
      { name: '3Dircadb1.1', split: 'val', start: 27, end: 124, kept: 87 },
    ]);
  });
});
