// The drops behind the fault tests (jobs/preprocess/faults.*.test.ts): synthetic patients written as real
// files to a temp folder, then scanned and preprocessed by the same core the workers and the CLI use.
// Test support only: never imported by production code.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { tempFolderPerFile } from './tempFolder';
import { collectNodeSources } from '../node/nodeSources';
import { DEFAULT_PIPELINE_PARAMS, type PipelineParams } from '../pipeline/params';
import { runPreprocessJob } from '../jobs/preprocess/wholePatient';
import type { PreprocessOutcome } from '../jobs/preprocess/types';
import { scanPatients, type ScanOptions, type ScanResult } from '../discovery/scanPatients';
import { syntheticFiles, type DropFile, type SyntheticPatientOptions } from './faultFixtures';
import type { PatientScan } from '../discovery/types';
import type { Problem, SourceFile } from '../common/types';

/** Slices of the default synthetic patient; its liver spans 7..22, so 12..16 are kept (5 slices). */
export const S = 30;
export const KEPT = 5;

let drops: { folder: () => string } | null = null;
/** A fresh temp folder for the calling test file's drops, removed after it. */
export function tempDropFolder(): { folder: () => string } {
  drops = tempFolderPerFile('liverlab-faults-');
  return drops;
}

export async function writeFiles(root: string, files: Iterable<DropFile>): Promise<void> {
  for (const file of files) {
    const target = path.join(root, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
  }
}

/** Writes `files` under `<temp>/<drop>/` and returns that folder, as a user would drop it. */
export async function onDisk(drop: string, files: Iterable<DropFile>): Promise<string> {
  if (!drops) throw new Error('onDisk: call tempDropFolder() in the test file first');
  const root = path.join(drops.folder(), drop);
  await writeFiles(root, files);
  return root;
}

export async function sourcesOf(folder: string): Promise<SourceFile[]> {
  return (await collectNodeSources([folder])).sources;
}

export async function scan(folder: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const drop = await collectNodeSources([folder]);
  return scanPatients(drop.sources, { emptyFolders: drop.emptyFolders, ...opts });
}

export async function preprocess(folder: string, patient: string, params: Partial<PipelineParams> = {}): Promise<PreprocessOutcome> {
  const sources = await sourcesOf(folder);
  return runPreprocessJob(null, { patient, sources, params: { ...DEFAULT_PIPELINE_PARAMS, ...params }, spacing: null });
}

export function patientOf(result: ScanResult, name: string): PatientScan {
  const found = result.patients.find((p) => p.name === name);
  if (!found) throw new Error(`no patient ${name} among ${result.patients.map((p) => p.name).join(', ')}`);
  return found;
}

export const plain = (problems: Problem[]) => problems.map(({ file, message, severity }) => ({ file, message, severity }));

export function replaceFile(files: DropFile[], at: string, bytes: Uint8Array | null): DropFile[] {
  if (!files.some((f) => f.path === at)) throw new Error(`no file ${at}`);
  return files.flatMap((f) => (f.path === at ? (bytes ? [{ ...f, bytes }] : []) : [f]));
}

export function mapFiles(files: DropFile[], test: RegExp, change: (bytes: Uint8Array) => Uint8Array): DropFile[] {
  return files.map((f) => (test.test(f.path) ? { ...f, bytes: change(f.bytes) } : f));
}

export const patient = (opts: Partial<SyntheticPatientOptions> & { name: string }) => syntheticFiles({ slices: S, ...opts });

export function processed(outcome: PreprocessOutcome) {
  if (!outcome.ok) throw new Error(`preprocessing failed: ${outcome.problem.message}`);
  if (!outcome.pixels) throw new Error('no pixels returned');
  return { meta: outcome.meta, ...outcome.pixels };
}

export function expectFailure(outcome: PreprocessOutcome, file: string, message: string | RegExp): void {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.problem.file).toBe(file);
  expect(outcome.problem.severity).toBe('error');
  if (typeof message === 'string') expect(outcome.problem.message).toBe(message);
  else expect(outcome.problem.message).toMatch(message);
}
