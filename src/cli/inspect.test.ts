// `npm run cli -- inspect …` as a user runs it: a child process on the real 3D-IRCADb-01 zips, on a
// folder of junk, with bad usage; and in-process on phantom folders.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhantomPatient } from '../phantom/phantom';
import { inspectCommand, type InspectReport } from './inspect';
import { main } from './main';
import type { CliIo } from './command';
import { runCli as runCliProcess } from '../test-support/cliProcess';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../..');
const SHARED_DATA = path.resolve(here, '../../../shared/data');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The compiled CLI in the repo, as `npm run cli -- …` runs it. */
async function runCli(args: string[]): Promise<Run> {
  const { status, stdout, stderr } = await runCliProcess(args);
  return { code: status ?? -1, stdout, stderr };
}

/** Runs a command in-process, capturing what it writes. */
async function runInProcess(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(tmpdir(), 'liverlab-inspect-'));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function writeFiles(root: string, files: { path: string; bytes: Uint8Array }[]): Promise<void> {
  for (const file of files) {
    const target = path.join(root, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
}

describe('inspect on the real data, as a child process', () => {
  beforeAll(() => {
    if (!existsSync(path.join(SHARED_DATA, '3Dircadb1.17', 'PATIENT_DICOM.zip'))) {
      throw new Error(`real test data missing: expected ${SHARED_DATA}/3Dircadb1.17/PATIENT_DICOM.zip (see shared/data/README.md)`);
    }
  });

  it('prints one JSON report for 3Dircadb1.17 and exits 0', async () => {
    const run = await runCli(['inspect', path.relative(REPO, path.join(SHARED_DATA, '3Dircadb1.17'))]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as InspectReport;
    expect(report.problems).toEqual([]);
    expect(report.patients).toHaveLength(1);
    const [patient] = report.patients;
    expect(patient).toMatchObject({
      name: '3Dircadb1.17',
      slices: 119,
      rows: 512,
      columns: 512,
      transferSyntax: { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian' },
      modality: 'CT',
      usable: true,
    });
    expect(patient.spacing?.map((value) => Math.round(value * 1000) / 1000)).toEqual([0.743, 0.743, 1.6]);
    expect(patient.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(patient.bytes).toBeGreaterThan(300e6);
    expect(patient.organs.map((organ) => [organ.organ, organ.slices, organ.nonEmptyRange])).toEqual([
      ['artery', 119, [0, 118]],
      ['bone', 119, [0, 118]],
      ['liver', 119, [1, 113]],
      ['livertumor1', 119, [84, 113]],
      ['livertumor2', 119, [78, 105]],
      ['portalvein', 119, [0, 100]],
      ['skin', 119, [0, 118]],
      ['venoussystem', 119, [0, 115]],
    ]);
  });

  it('exits 1 for a folder of junk, still printing the JSON report', async () => {
    const junk = path.join(temp, 'junk');
    await writeFiles(junk, [
      { path: '.DS_Store', bytes: new Uint8Array(16) },
      { path: 'notes.txt', bytes: new TextEncoder().encode('nothing here') },
      { path: 'sub/Thumbs.db', bytes: new Uint8Array(4) },
    ]);
    const run = await runCli(['inspect', junk]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as InspectReport;
    expect(report.patients).toEqual([]);
    expect(report.problems).toEqual([
      { file: 'junk/notes.txt', message: expect.stringMatching(/^not part of the 3D-IRCADb layout/), severity: 'warning' },
    ]);
  });

  it('exits 2 with a usage message for bad usage', async () => {
    const none = await runCli(['inspect']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: npm run cli -- inspect/);
    expect(none.stdout).toBe('');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command: frobnicate[\s\S]*inspect/);
  });
});

describe('inspect in-process', () => {
  it('lists both real patients of the data folder, naturally sorted', async () => {
    const run = await runInProcess(['inspect', SHARED_DATA]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as InspectReport;
    expect(report.patients.map((patient) => [patient.name, patient.slices, patient.usable])).toEqual([
      ['3Dircadb1.1', 129, true],
      ['3Dircadb1.17', 119, true],
    ]);
    expect(report.patients[0].organs).toEqual([{ organ: 'liver', slices: 129, nonEmptyRange: [27, 124] }]);
  });

  it('names the patient after the folder above a PATIENT_DICOM argument', async () => {
    const phantom = generatePhantomPatient({ name: 'Phantom.4', size: 16, slices: 6, seed: 4 });
    const root = path.join(temp, 'series');
    await writeFiles(root, phantom.files);
    const run = await runInProcess([
      'inspect',
      path.join(root, 'Phantom.4', 'PATIENT_DICOM'),
      path.join(root, 'Phantom.4', 'MASKS_DICOM'),
    ]);
    expect(run.code).toBe(0);
    const [patient] = (JSON.parse(run.stdout) as InspectReport).patients;
    expect(patient).toMatchObject({ name: 'Phantom.4', slices: 6, rows: 16, columns: 16, problems: [], usable: true });
    expect(patient.organs.map((organ) => organ.organ)).toEqual(['bone', 'liver']);
  });

  it('prints help, and refuses unknown options and missing paths', async () => {
    expect(await runInProcess(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/Commands:\n {2}inspect/) });
    expect(await runInProcess(['inspect', '--help'])).toMatchObject({ code: 0, stdout: inspectCommand.usage });
    expect(await runInProcess(['inspect', '--fast', SHARED_DATA])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown option --fast/) });
    expect(await runInProcess(['inspect', path.join(temp, 'nowhere')])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no such file or folder: .*nowhere/),
    });
  });
});
