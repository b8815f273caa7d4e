// The patients of a drop as the CLI's preprocess, train and segment see them: one scan of the files
// (headers, and only the chosen organ's mask pixels), grouped by what the files say — two patients'
// zips side by side in one folder are two patients — each with the files its pixels are read from.
// Masks that join no CT, and patients that cannot be used (a compressed or unreadable CT, a series
// mixing orientations), are said on stderr, naming the file; the latter are left out. Never exits.
import { scanPatients } from '../discovery/scanPatients';
import { patientFilesOf } from '../discovery/patientSources';
import type { PatientFiles } from '../discovery/types';
import type { NodeDrop } from '../node/nodeSources';
import type { CliIo } from './command';

export interface DropPatients {
  /** Every usable patient found, sorted naturally. */
  names: string[];
  /** The files of the patient named so. */
  filesOf(name: string): PatientFiles;
}

export async function dropPatients(command: string, drop: NodeDrop, organ: string, io: CliIo): Promise<DropPatients> {
  const scan = await scanPatients(drop.sources, { emptyFolders: drop.emptyFolders, checkOrgans: [organ] });
  for (const problem of scan.problems) if (problem.severity === 'error') io.err(`${command}: ${problem.file}: ${problem.message}\n`);
  const usable = scan.patients.filter((p) => p.usable);
  for (const p of scan.patients.filter((q) => !q.usable)) {
    const why = p.problems.find((problem) => problem.severity === 'error');
    io.err(`${command}: ${p.name} cannot be used${why ? `: ${why.file}: ${why.message}` : ''}\n`);
  }
  const files = new Map(usable.map((p) => [p.name, patientFilesOf(p)]));
  return {
    names: usable.map((p) => p.name),
    filesOf: (name) => files.get(name) ?? { name, ct: [], organs: {} },
  };
}
