// DICOM files outside the 3D-IRCADb layout — any names, no extension, a PACS or CD export with its
// DICOMDIR, several series in one drop: each image is a CT slice of its series (SeriesInstanceUID,
// else its folder), each series a CT draft named later from its headers; a DICOMDIR's index is checked
// against the files the drop holds, and the files it names but the drop lacks are named in one error.
// Pure: no DOM, no Node APIs.
import { readDicomDir } from '../dicom/dicomdir';
import { error } from '../common/problems';
import { segmentsOf } from '../common/paths';
import type { SliceHeader } from '../dicom/types';
import type { Problem } from '../common/types';
import type { CtDraft } from './buildPatient';

/** Gathers a drop's loose DICOM images and DICOMDIRs, then hands out the series drafts (`finish`). */
export class LooseDicom {
  private readonly series = new Map<string, CtDraft>();
  private readonly indexes: { path: string; files: string[] }[] = [];
  readonly problems: Problem[] = [];

  /** A readable DICOM image (its header) of `bytes` bytes. */
  image(path: string, header: SliceHeader, bytes: number): void {
    const folder = folderOf(path);
    const key = header.seriesInstanceUid ? `uid:${header.seriesInstanceUid}` : `folder:${folder}`;
    let draft = this.series.get(key);
    if (!draft) {
      const name = segmentsOf(folder).pop() ?? 'series';
      this.series.set(key, (draft = { folder, patientFolder: '', folderName: name, records: [], problems: [], bytes: 0 }));
    }
    draft.records.push({ file: path, header });
    draft.bytes += bytes;
    if (!path.startsWith(draft.folder + '/')) draft.folder = commonFolder(draft.folder, folder);
  }

  /** A DICOMDIR: the files it names are checked at `finish`. */
  dicomDir(path: string, bytes: Uint8Array): void {
    const read = readDicomDir(bytes, path);
    if (read.ok) this.indexes.push({ path, files: read.value });
    else this.problems.push(read.problem);
  }

  /** The series drafts; `seen` holds every path of the drop (lower case), to check the DICOMDIRs against. */
  finish(seen: ReadonlySet<string>): CtDraft[] {
    for (const { path, files } of this.indexes) {
      const folder = folderOf(path);
      const missing = files.filter((f) => !seen.has((folder ? `${folder}/${f}` : f).toLowerCase()));
      if (missing.length === 0) continue;
      const some = missing.slice(0, 3).join(', ') + (missing.length > 3 ? `, … ${missing.length - 3} more` : '');
      this.problems.push(
        error(path, `DICOMDIR names ${missing.length} of its ${files.length} files that are not in the drop (${some}): the export is incomplete; the images that are there are still read`),
      );
    }
    return [...this.series.values()];
  }
}

function folderOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

function commonFolder(a: string, b: string): string {
  const x = segmentsOf(a);
  const y = segmentsOf(b);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return x.slice(0, n).join('/');
}
