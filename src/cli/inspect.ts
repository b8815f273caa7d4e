// `inspect <folders-or-zips…>`: discovers the patients of a drop and prints one JSON report of what
// LiverLab sees (slices, geometry, organs and their liver-range style extents, problems, usability).
// It reads headers and masks only through dicom/discoverScan; it never writes anything but stdout/stderr.
import { scanPatients, type ScanResult } from '../discovery/scanPatients';
import { transferSyntax } from '../dicom/transferSyntax';
import type { Problem } from '../common/types';
import type { CliCommand, CliIo } from './command';
import { collectNodeSources } from '../node/nodeSources';

export interface InspectReport {
  patients: InspectedPatient[];
  problems: Problem[];
}

export interface InspectedPatient {
  name: string;
  slices: number;
  rows: number;
  columns: number;
  spacing: [number, number, number] | null;
  transferSyntax: { uid: string; name: string } | null;
  modality: string | null;
  /** 'nifti' for a NIfTI volume; absent for DICOM. */
  format?: 'nifti';
  bytes: number;
  organs: { organ: string; slices: number; nonEmptyRange: [number, number] | null }[];
  problems: Problem[];
  usable: boolean;
}

const USAGE = `Usage: npm run cli -- inspect <folder|file|zip>…

Scans the given folders (recursively), files and zips (nested zips included) — the 3D-IRCADb-01
layout, DICOM series with any file names (a DICOMDIR's index is checked), NIfTI volumes (.nii,
.nii.gz; LiTS volume-N/segmentation-N, the Decathlon's imagesTr/labelsTr) — and prints one JSON
object on stdout (patients grouped by what the files say: series, PatientName, geometry):
  { patients: [{ name, slices, rows, columns, spacing, transferSyntax, modality, bytes,
                 organs: [{ organ, slices, nonEmptyRange }], problems, usable }], problems }
Paths are relative to the parent of each argument, so the patient folder keeps its name:
  npm run cli -- inspect ../shared/data/3Dircadb1.17     → patient 3Dircadb1.17
  npm run cli -- inspect ../shared/data                  → every patient inside

Exit code: 0 when at least one patient is usable, 1 otherwise, 2 on a usage error.
`;

export const inspectCommand: CliCommand = {
  usage: USAGE,
  run: runInspect,
};

async function runInspect(args: string[], io: CliIo): Promise<number> {
  const options = args.filter((arg) => arg.startsWith('-'));
  if (options.length > 0) {
    io.err(`inspect: unknown option ${options[0]}\n\n${USAGE}`);
    return 2;
  }
  if (args.length === 0) {
    io.err(`inspect: give at least one folder, file or zip\n\n${USAGE}`);
    return 2;
  }
  const drop = await collectNodeSources(args);
  if (drop.missing.length > 0) {
    io.err(`inspect: no such file or folder: ${drop.missing.join(', ')}\n`);
    return 2;
  }
  const showProgress = process.stderr.isTTY === true;
  let shown = -1;
  const scan = await scanPatients(drop.sources, {
    emptyFolders: drop.emptyFolders,
    onProgress: showProgress
      ? (done, total) => {
          const percent = total ? Math.floor((100 * done) / total) : 0;
          if (percent !== shown) io.err(`\rscanning… ${(shown = percent)}%`);
        }
      : undefined,
  });
  if (showProgress) io.err('\r\x1b[K');
  const report = inspectReport(scan);
  io.out(`${JSON.stringify(report, null, 2)}\n`);
  return report.patients.some((patient) => patient.usable) ? 0 : 1;
}

/** The scan as the CLI prints it: counts instead of slice lists, the transfer syntax named. */
export function inspectReport(scan: ScanResult): InspectReport {
  return {
    patients: scan.patients.map((patient) => ({
      name: patient.name,
      slices: patient.ct.length,
      rows: patient.rows,
      columns: patient.columns,
      spacing: patient.spacing,
      transferSyntax: patient.transferSyntaxUid
        ? { uid: patient.transferSyntaxUid, name: transferSyntax(patient.transferSyntaxUid)?.name ?? 'unknown transfer syntax' }
        : null,
      modality: patient.modality,
      ...(patient.format ? { format: patient.format } : {}),
      bytes: patient.bytes,
      organs: patient.organs.map((organ) => ({ organ: organ.organ, slices: organ.slices.length, nonEmptyRange: organ.nonEmptyRange })),
      problems: patient.problems,
      usable: patient.usable,
    })),
    problems: scan.problems,
  };
}
