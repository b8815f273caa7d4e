// The patients of a drop as the CLI's preprocess, train and segment see them: one scan of the files
// (headers, and only the chosen organ's mask pixels), grouped by what the files say — two patients'
// zips side by side in one folder are two patients — each with the files its pixels are read from.
// Masks that join no CT are said on stderr. Never exits the process.
import { scanPatients } from '../discovery/scanPatients';
import { patientFilesOf } from '../discovery/patientSources';
import type { PatientFiles } from '../discovery/types';
import type { NodeDrop } from '../node/nodeSources';
import type { CliIo } from './command';

export interface DropPatients {
  /** Every patient found, sorted naturally. */
  names: string[];
  /** The files of the patient named so. */
  filesOf(name: string): PatientFiles;
}

export async function dropPatients(command: string, drop: NodeDrop, organ: string, io: CliIo): Promise<DropPatients> {
  const scan = await scanPatients(drop.sources, { emptyFolders: drop.emptyFolders, checkOrgans: [organ] });
  for (const problem of scan.problems) if (problem.severity === 'error') io.err(`${command}: ${problem.file}: ${problem.message}\n`);
  const files = new Map(scan.patients.map((p) => [p.name, patientFilesOf(p)]));
  return {
    names: scan.patients.map((p) => p.name),
    filesOf: (name) => files.get(name) ?? { name, ct: [], organs: {} },
  };
}
