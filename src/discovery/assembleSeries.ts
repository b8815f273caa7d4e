// Series ordering, shared by scanning and loading: one folder's slices become one series — the main
// SeriesInstanceUID kept when several are mixed, slices numbered by InstanceNumber (else by
// ImagePositionPatient, else by file name, and said so), duplicates and odd sizes dropped with a
// Problem each — plus the slice spacing from positions.
import { naturalCompare } from '../common/paths';
import { baseName, error, round, warning } from '../common/problems';
import type { SliceHeader } from '../dicom/types';
import type { Problem } from '../common/types';

export interface HeaderRecord<H extends SliceHeader = SliceHeader> {
  file: string;
  header: H;
}

/** A series after ordering: each record with the number it is sorted and paired by. */
export type Numbered<R> = R & { instanceNumber: number };

/**
 * One folder's slices as a series: the main series if several are mixed, a number for every slice
 * (InstanceNumber, else the order of ImagePositionPatient, else of file names), duplicates dropped,
 * and (for the CT) slices of another size than the series dropped. Problems go to `problems`.
 */
export function assembleSeries<R extends HeaderRecord>(
  records: R[],
  label: string,
  folder: string,
  problems: Problem[],
  dropOtherSizes = true,
): Numbered<R>[] {
  const main = mainSeries(records, label, folder, problems);
  const numbered = dropDuplicates(numberSlices(main, label, folder, problems), label, problems);
  return dropOtherSizes ? dropOddSizes(numbered, label, problems) : numbered;
}

/** Different SeriesInstanceUIDs in one folder: keep the series with most files, say what was left. */
function mainSeries<R extends HeaderRecord>(records: R[], label: string, folder: string, problems: Problem[]): R[] {
  const bySeries = new Map<string, R[]>();
  for (const record of records) {
    const key = record.header.seriesInstanceUid ?? '';
    const group = bySeries.get(key);
    if (group) group.push(record);
    else bySeries.set(key, [record]);
  }
  if (bySeries.size <= 1) return records;
  const groups = [...bySeries.entries()].sort((a, b) => b[1].length - a[1].length);
  const [[keptUid, kept], ...others] = groups;
  const ignored = others.map(([uid, group]) => `series ${uid || '(no SeriesInstanceUID)'} (${group.length} files, e.g. ${baseName(group[0].file)})`);
  problems.push(
    warning(
      folder,
      `${label} mixes ${groups.length} series: kept ${keptUid || '(no SeriesInstanceUID)'} (${kept.length} files), ignored ${ignored.join(', ')}`,
    ),
  );
  return kept;
}

/** Sorted by InstanceNumber; without it, by position along the slice normal, else by file name (and said so). */
function numberSlices<R extends HeaderRecord>(records: R[], label: string, folder: string, problems: Problem[]): Numbered<R>[] {
  const byFile = [...records].sort((a, b) => naturalCompare(a.file, b.file));
  const missing = byFile.filter((record) => record.header.instanceNumber === null).length;
  if (missing === 0) {
    return byFile
      .map((record) => ({ ...record, instanceNumber: record.header.instanceNumber as number }))
      .sort((a, b) => a.instanceNumber - b.instanceNumber);
  }
  const positioned = byFile.every((record) => record.header.imagePositionPatient !== null);
  const ordered = positioned ? sortByPosition(byFile) : byFile;
  const how = positioned ? 'ImagePositionPatient' : 'file name';
  problems.push(
    warning(folder, `${label}: ${missing} of ${records.length} slices have no InstanceNumber; ordered and numbered by ${how}`),
  );
  return ordered.map((record, index) => ({ ...record, instanceNumber: index }));
}

function sortByPosition<R extends HeaderRecord>(records: R[]): R[] {
  const normal = sliceNormal(records[0]?.header.imageOrientationPatient ?? null);
  const along = (record: R): number => dot(record.header.imagePositionPatient as [number, number, number], normal);
  return [...records].sort((a, b) => along(a) - along(b));
}

/** Same InstanceNumber twice: the first file (natural order) is kept, both are named. */
function dropDuplicates<R extends HeaderRecord>(sorted: Numbered<R>[], label: string, problems: Problem[]): Numbered<R>[] {
  const kept: Numbered<R>[] = [];
  for (const record of sorted) {
    const previous = kept[kept.length - 1];
    if (!previous || previous.instanceNumber !== record.instanceNumber) {
      kept.push(record);
      continue;
    }
    const sameImage = record.header.sopInstanceUid !== null && record.header.sopInstanceUid === previous.header.sopInstanceUid;
    const message =
      `${label}: InstanceNumber ${record.instanceNumber} appears in both ${previous.file} and ${record.file}` +
      `${sameImage ? ' (the same image twice)' : ''}; ${baseName(record.file)} ignored`;
    problems.push(sameImage ? warning(record.file, message) : error(record.file, message));
  }
  return kept;
}

/** A volume has one slice size: slices of another size than the most common one are dropped. */
function dropOddSizes<R extends HeaderRecord>(slices: Numbered<R>[], label: string, problems: Problem[]): Numbered<R>[] {
  const counts = new Map<string, number>();
  for (const { header } of slices) counts.set(`${header.rows}×${header.columns}`, (counts.get(`${header.rows}×${header.columns}`) ?? 0) + 1);
  if (counts.size <= 1) return slices;
  const size = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  return slices.filter((slice) => {
    const own = `${slice.header.rows}×${slice.header.columns}`;
    if (own === size) return true;
    problems.push(error(slice.file, `${label}: slice is ${own} but the series is ${size}; ignored`));
    return false;
  });
}

/** The share of a series that may be oriented or spaced unlike the rest (a scout, a stray slice) and still leave it usable. */
const ODD_GEOMETRY_TOLERATED = 0.1;

/**
 * A volume has one orientation and one pixel spacing: slices unlike most of the series are dropped,
 * said once naming the first of them. `mixed`: so many were (over a tenth) that the series is two
 * acquisitions in one, and cannot be used as one volume.
 */
export function dropOddGeometry<R extends HeaderRecord>(slices: Numbered<R>[], label: string, problems: Problem[]): { kept: Numbered<R>[]; mixed: boolean } {
  const keyOf = ({ header }: R) =>
    `${(header.imageOrientationPatient ?? []).map((v) => v.toFixed(3)).join('\\')}|${(header.pixelSpacing ?? []).map((v) => v.toFixed(4)).join('\\')}`;
  const counts = new Map<string, number>();
  for (const slice of slices) counts.set(keyOf(slice), (counts.get(keyOf(slice)) ?? 0) + 1);
  if (counts.size <= 1) return { kept: slices, mixed: false };
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const odd = slices.filter((slice) => keyOf(slice) !== main);
  const first = odd[0].header;
  const mainHeader = slices.find((slice) => keyOf(slice) === main)!.header;
  const what = (h: SliceHeader) => `orientation ${(h.imageOrientationPatient ?? ['?']).map((v) => +Number(v).toFixed(3)).join('\\')}, pixel spacing ${(h.pixelSpacing ?? ['?']).map((v) => +Number(v).toFixed(4)).join('\\')} mm`;
  const mixed = odd.length > ODD_GEOMETRY_TOLERATED * slices.length;
  problems.push(
    error(
      odd[0].file,
      `${label}: ${odd.length} of ${slices.length} slices (this one first) have ${what(first)} where the rest have ${what(mainHeader)}: ` +
        (mixed ? 'the series mixes orientations or spacings, so it is not one volume; it cannot be used (export each acquisition as its own series)' : 'those slices are ignored'),
    ),
  );
  return { kept: slices.filter((slice) => keyOf(slice) === main), mixed };
}

/** [row, column, slice] spacing: slice spacing is the median gap between positions, else SliceThickness. */
export function seriesSpacing(
  ct: Numbered<HeaderRecord>[],
  pixelSpacing: [number, number],
  folder: string,
  problems: Problem[],
): [number, number, number] | null {
  const normal = sliceNormal(ct[0].header.imageOrientationPatient);
  const gaps: number[] = [];
  for (let i = 1; i < ct.length; i++) {
    const [a, b] = [ct[i - 1].header.imagePositionPatient, ct[i].header.imagePositionPatient];
    if (a && b) gaps.push(Math.abs(dot(b, normal) - dot(a, normal)));
  }
  const sorted = gaps.filter((gap) => gap > 1e-6).sort((a, b) => a - b);
  let sliceSpacing = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : ct[0].header.sliceThickness;
  if (sorted.length > 0 && sorted[sorted.length - 1] - sorted[0] > 0.01 * (sliceSpacing ?? 1) + 1e-3) {
    problems.push(
      warning(folder, `slice spacing varies from ${round(sorted[0])} to ${round(sorted[sorted.length - 1])} mm (missing slices?)`),
    );
  }
  if (sliceSpacing === null) {
    problems.push(warning(folder, 'no ImagePositionPatient nor SliceThickness: slice spacing unknown, 1 mm assumed'));
    sliceSpacing = 1;
  }
  return [pixelSpacing[0], pixelSpacing[1], sliceSpacing];
}

export function sliceNormal(orientation: number[] | null): [number, number, number] {
  if (!orientation || orientation.length < 6) return [0, 0, 1];
  const [rx, ry, rz, cx, cy, cz] = orientation;
  const normal: [number, number, number] = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  return Math.hypot(...normal) > 1e-6 ? normal : [0, 0, 1];
}

function dot(a: [number, number, number], b: [number, number, number]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
