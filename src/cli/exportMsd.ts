// `export-msd <folder|file|zip>… --organ NAME --out DIR`: the dropped patients as a Medical
// Segmentation Decathlon dataset for nnU-Net v2 or MONAI (the job: src/jobs/msdExport/exportMsd.ts),
// written into DIR (new or empty; nothing existing is overwritten, and a failed export removes what
// it wrote). Prints one JSON summary as the last line of stdout; progress and notes go to stderr.
// Never exits the process itself (main.ts does).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { dropPatients } from './dropPatients';
import { DEFAULT_PIPELINE_PARAMS } from '../pipeline/params';
import { exportMsd } from '../jobs/msdExport/exportMsd';
import { collectNodeSources } from '../node/nodeSources';
import { directoryFileTree } from './directoryTree';
import { readArgs } from './args';
import type { CliCommand, CliIo } from './command';

const USAGE = `Usage: npm run cli -- export-msd <folder|file|zip>… --out DIR [--organ NAME] [--patient NAME]…

Writes the patients of the drop in the Medical Segmentation Decathlon layout that nnU-Net v2 and
MONAI read: DIR/imagesTr/<case>_0000.nii.gz (the whole CT series in HU, int16), DIR/labelsTr/<case>.nii.gz
(0 background, 1 the organ's expert mask), both with the affine of the DICOM geometry, and
DIR/dataset.json (channel_names, labels, numTraining, file_ending, the data's source and licence).
A case is named after its patient (3Dircadb1.17 → 3Dircadb1_17). Patients without the organ's mask
are skipped and named.

Options:
  --out DIR        where to write (created when missing; must be empty); required
  --organ NAME     the mask folder under MASKS_DICOM that becomes label 1 (default liver)
  --patient NAME   only these patients (repeatable); default every patient of the drop
  --fast           gzip level 1 instead of 6 (about twice as fast, a little larger)

Last line of stdout: {"out","organ","cases":[{"caseId","patient","slices","spacing","labelVoxels"}],"skipped","bytes","seconds"}
Exit code: 0 on success, 1 when nothing could be exported or the writing failed, 2 on a usage error.
`;

export const exportMsdCommand: CliCommand = {
  usage: USAGE,
  run: runExportMsd,
};

async function runExportMsd(args: string[], io: CliIo): Promise<number> {
  const parsed = readArgs('export-msd', USAGE, args, { out: { type: 'string' }, organ: { type: 'string' }, patient: { type: 'string', multiple: true }, fast: { type: 'boolean' } }, io);
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const usage = !values.out ? '--out is required' : positionals.length === 0 ? 'give the patient folders, files or zips' : null;
  if (usage) {
    io.err(`export-msd: ${usage}\n\n${USAGE}`);
    return 2;
  }
  const out = path.resolve(values.out!);
  const target = await stat(out).catch(() => null);
  if (target && !target.isDirectory()) {
    io.err(`export-msd: ${out} is a file: --out takes a folder\n`);
    return 2;
  }
  if (target && (await readdir(out)).length > 0) {
    io.err(`export-msd: ${out} is not empty: export into a new or empty folder (nothing there is overwritten)\n`);
    return 2;
  }
  const organ = values.organ ?? DEFAULT_PIPELINE_PARAMS.organ;
  const drop = await collectNodeSources(positionals);
  if (drop.missing.length > 0) {
    io.err(`export-msd: no such file or folder: ${drop.missing.join(', ')}\n`);
    return 2;
  }
  const names = (await dropPatients('export-msd', drop, organ, io)).names;
  const unknown = (values.patient ?? []).filter((p) => !names.includes(p));
  if (unknown.length > 0) {
    io.err(`export-msd: no patient ${unknown.join(', ')} in the drop (found ${names.join(', ') || 'none'})\n`);
    return 2;
  }
  const patients = values.patient ?? names;
  if (patients.length === 0) {
    io.err('export-msd: no patient found\n');
    return 1;
  }
  const t0 = performance.now();
  const onProgress = ({ patient, patientIndex, patients: total, slice, slices }: { patient: string; patientIndex: number; patients: number; slice: number; slices: number }) => {
    if (slice % 32 === 0 || slice === slices) io.err(`export-msd: ${patient} (${patientIndex + 1}/${total}) ${slice}/${slices} slices\n`);
  };
  let result;
  try {
    result = await exportMsd(drop.sources, patients, organ, directoryFileTree(out), { onProgress, gzipLevel: values.fast ? 1 : 6 });
  } catch (e) {
    io.err(`export-msd: ${out}/${(e as Error).message}; nothing of the export was kept\n`);
    return 1;
  }
  if (!result.ok) {
    io.err(`export-msd: ${result.problem.file}: ${result.problem.message}\n`);
    return 1;
  }
  const { cases, skipped, bytes } = result.value;
  for (const p of skipped) io.err(`export-msd: skipped ${p.file}: ${p.message}\n`);
  const summary = {
    out,
    organ,
    cases: cases.map(({ caseId, patient, slices, spacing, labelVoxels, positioned }) => ({ caseId, patient, slices, spacing: spacing.map((v) => Math.round(v * 1e4) / 1e4), positioned, labelVoxels })),
    skipped: skipped.map((p) => `${p.file}: ${p.message}`),
    bytes,
    seconds: Math.round((performance.now() - t0) / 10) / 100,
  };
  io.out(`${JSON.stringify(summary)}\n`);
  return 0;
}
