// Zips as users drop them: the official per-series zips, a zipped patient, a dataset zip of zips,
// read in small chunks; and the broken ones: corrupt entries, truncated files, bombs.
import { zipSync, type Zippable } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SourceFile } from '../common/types';
import { expandZip } from './zip';
import type { ExpandZipOptions } from './zipCaps';
import { zipEntryPath, type ZipItem } from './zipItems';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Which reading path the `expandZip` tests exercise: streaming (fflate's Unzip) or random access (central directory). */
let randomAccess = false;

function memoryFile(path: string, bytes: Uint8Array, chunkBytes?: number): SourceFile {
  const file: SourceFile = { path, size: bytes.length, bytes: async () => bytes };
  if (randomAccess) file.slice = async (start, end) => bytes.slice(start, end);
  if (chunkBytes) {
    file.stream = async function* () {
      for (let offset = 0; offset < bytes.length; offset += chunkBytes) yield bytes.slice(offset, offset + chunkBytes);
    };
  }
  return file;
}

async function expandAll(zip: SourceFile, opts?: ExpandZipOptions): Promise<ZipItem[]> {
  const items: ZipItem[] = [];
  for await (const item of expandZip(zip, opts)) items.push(item);
  return items;
}

const filesOf = (items: ZipItem[]): Record<string, string> =>
  Object.fromEntries(items.flatMap((item) => ('bytes' in item ? [[item.path, decode(item.bytes)]] : [])));
const problemsOf = (items: ZipItem[]) => items.flatMap((item) => ('problem' in item ? [item] : []));

/** Byte offset of the compressed data of `entryName` in a zip written by fflate (no data descriptors). */
function entryDataOffset(zip: Uint8Array, entryName: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let offset = 0; offset + 30 < zip.length; ) {
    if (view.getUint32(offset, true) !== 0x04034b50) break;
    const compressed = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    const name = decode(zip.subarray(offset + 30, offset + 30 + nameLength));
    const data = offset + 30 + nameLength + extraLength;
    if (name === entryName) return data;
    offset = data + compressed;
  }
  throw new Error(`no entry ${entryName}`);
}

describe('zipEntryPath', () => {
  it('keeps the patient segment once, whatever the zip is called', () => {
    expect(zipEntryPath('3Dircadb1.17/PATIENT_DICOM.zip', 'PATIENT_DICOM/image_0')).toBe('3Dircadb1.17/PATIENT_DICOM/image_0');
    expect(zipEntryPath('3Dircadb1.17.zip', '3Dircadb1.17/PATIENT_DICOM/image_0')).toBe('3Dircadb1.17/PATIENT_DICOM/image_0');
    expect(zipEntryPath('3Dircadb1.17.zip', 'PATIENT_DICOM/image_0')).toBe('3Dircadb1.17/PATIENT_DICOM/image_0');
    expect(zipEntryPath('drop/3Dircadb1.17/PATIENT_DICOM.zip', 'image_0')).toBe('drop/3Dircadb1.17/PATIENT_DICOM/image_0');
    expect(zipEntryPath('3Dircadb1.zip', '3Dircadb1/3Dircadb1.2/MASKS_DICOM.zip')).toBe('3Dircadb1/3Dircadb1.2/MASKS_DICOM.zip');
    expect(zipEntryPath('x\\3Dircadb1.17.zip', '3Dircadb1.17\\PATIENT_DICOM\\image_0')).toBe('x/3Dircadb1.17/PATIENT_DICOM/image_0');
  });
});

describe.each(['streaming', 'random access'])('expandZip (%s)', (mode) => {
  beforeEach(() => {
    randomAccess = mode === 'random access';
  });
  const patientZip = zipSync({
    'PATIENT_DICOM/image_0': text('ct 0'),
    'PATIENT_DICOM/image_1': [text('ct 1 '.repeat(2000)), { level: 0 }],
    'PATIENT_DICOM/image_2': text('ct 2 '.repeat(5000)),
  } satisfies Zippable);

  it('expands a PATIENT_DICOM.zip from its bytes, under the patient folder', async () => {
    const items = await expandAll(memoryFile('3Dircadb1.17/PATIENT_DICOM.zip', patientZip));
    expect(problemsOf(items)).toEqual([]);
    expect(Object.keys(filesOf(items))).toEqual([
      '3Dircadb1.17/PATIENT_DICOM/image_0',
      '3Dircadb1.17/PATIENT_DICOM/image_1',
      '3Dircadb1.17/PATIENT_DICOM/image_2',
    ]);
    expect(filesOf(items)['3Dircadb1.17/PATIENT_DICOM/image_2']).toBe('ct 2 '.repeat(5000));
  });

  it('gives the same entries when the zip is streamed in tiny chunks', async () => {
    const whole = filesOf(await expandAll(memoryFile('p/PATIENT_DICOM.zip', patientZip)));
    for (const chunk of [1, 7, 64, 1000]) {
      const items = await expandAll(memoryFile('p/PATIENT_DICOM.zip', patientZip, chunk));
      expect(problemsOf(items), `chunk ${chunk}`).toEqual([]);
      expect(filesOf(items), `chunk ${chunk}`).toEqual(whole);
    }
  });

  it('expands a dataset zip holding per-patient zips, and asks the filter about nested zips', async () => {
    const masks = zipSync({ 'MASKS_DICOM/liver/image_0': text('liver 0'), MASKS_DICOM: { bone: {} } });
    const dataset = zipSync({
      '3Dircadb1/3Dircadb1.2/PATIENT_DICOM.zip': patientZip,
      '3Dircadb1/3Dircadb1.2/MASKS_DICOM.zip': masks,
      '3Dircadb1/3Dircadb1.10/PATIENT_DICOM.zip': patientZip,
    });
    const asked: string[] = [];
    const items = await expandAll(memoryFile('3Dircadb1.zip', dataset, 4096), {
      filter: (path) => {
        asked.push(path);
        return !path.includes('3Dircadb1.10');
      },
    });
    expect(problemsOf(items)).toEqual([]);
    expect(Object.keys(filesOf(items))).toEqual([
      '3Dircadb1/3Dircadb1.2/PATIENT_DICOM/image_0',
      '3Dircadb1/3Dircadb1.2/PATIENT_DICOM/image_1',
      '3Dircadb1/3Dircadb1.2/PATIENT_DICOM/image_2',
      '3Dircadb1/3Dircadb1.2/MASKS_DICOM/liver/image_0',
    ]);
    expect(asked).toContain('3Dircadb1/3Dircadb1.10/PATIENT_DICOM.zip');
    expect(asked.filter((path) => path.startsWith('3Dircadb1/3Dircadb1.10/PATIENT_DICOM/'))).toEqual([]);
    expect(items.flatMap((item) => ('folder' in item ? [item.folder] : []))).toContain('3Dircadb1/3Dircadb1.2/MASKS_DICOM/bone');
  });

  it('reports a corrupt entry by zip and entry name, and still gives the other entries', async () => {
    const zip = patientZip.slice();
    zip[entryDataOffset(zip, 'PATIENT_DICOM/image_2')] = 0xff; // reserved deflate block type
    const items = await expandAll(memoryFile('3Dircadb1.17/PATIENT_DICOM.zip', zip));
    expect(Object.keys(filesOf(items))).toEqual(['3Dircadb1.17/PATIENT_DICOM/image_0', '3Dircadb1.17/PATIENT_DICOM/image_1']);
    const [problem] = problemsOf(items);
    expect(problem.path).toBe('3Dircadb1.17/PATIENT_DICOM/image_2');
    expect(problem.problem).toMatchObject({ file: '3Dircadb1.17/PATIENT_DICOM.zip', severity: 'error' });
    expect(problem.problem.message).toMatch(/^entry PATIENT_DICOM\/image_2: corrupt data/);
  });

  it('never inflates an entry the filter skips (a corrupt one gives no problem)', async () => {
    const zip = patientZip.slice();
    zip[entryDataOffset(zip, 'PATIENT_DICOM/image_2')] = 0xff;
    const items = await expandAll(memoryFile('p/PATIENT_DICOM.zip', zip, 333), { filter: (path) => !path.endsWith('image_2') });
    expect(problemsOf(items)).toEqual([]);
    expect(Object.keys(filesOf(items))).toEqual(['p/PATIENT_DICOM/image_0', 'p/PATIENT_DICOM/image_1']);
  });

  it('reports a truncated zip naming the entry it ends in, after the complete entries', async () => {
    const cut = patientZip.subarray(0, entryDataOffset(patientZip, 'PATIENT_DICOM/image_2') + 10);
    const items = await expandAll(memoryFile('p.zip', cut, 100));
    expect(Object.keys(filesOf(items))).toEqual(['p/PATIENT_DICOM/image_0', 'p/PATIENT_DICOM/image_1']);
    expect(problemsOf(items).map((item) => item.problem.message)).toEqual([
      expect.stringMatching(/^entry PATIENT_DICOM\/image_2: zip ends inside this entry/),
    ]);
  });

  it('says so when the file is not a zip at all', async () => {
    const items = await expandAll(memoryFile('notes.zip', text('hello, not a zip')));
    expect(problemsOf(items).map((item) => item.problem)).toEqual([
      { file: 'notes.zip', message: 'not a zip file', severity: 'error' },
    ]);
  });

  it('skips an entry over the per-entry cap (declared size) and keeps the small ones', async () => {
    const bomb = zipSync({ 'a/PATIENT_DICOM/image_0': text('ok'), 'a/PATIENT_DICOM/image_1': new Uint8Array(1 << 20) });
    const items = await expandAll(memoryFile('a.zip', bomb), { maxEntryBytes: 64 * 1024 });
    expect(Object.keys(filesOf(items))).toEqual(['a/PATIENT_DICOM/image_0']);
    expect(problemsOf(items)[0].problem.message).toBe(
      'entry a/PATIENT_DICOM/image_1: over the 64 KiB per-entry cap: inflates to 1 MiB (zip bomb?); skipped',
    );
  });

  it('catches a bomb whose header lies about its size', async () => {
    const bomb = zipSync({ 'x/big': new Uint8Array(1 << 20), 'x/small': text('fine') });
    const view = new DataView(bomb.buffer);
    view.setUint32(22, 10, true); // local header: uncompressed size of x/big claims 10 bytes
    const central = bomb.findLastIndex((_, i) => i + 4 <= bomb.length && view.getUint32(i, true) === 0x02014b50 && decode(bomb.subarray(i + 46, i + 51)) === 'x/big');
    view.setUint32(central + 24, 10, true); // … and so does the central directory
    const items = await expandAll(memoryFile('x.zip', bomb, 512), { maxEntryBytes: 64 * 1024 });
    expect(Object.keys(filesOf(items))).toEqual(['x/small']);
    expect(problemsOf(items)[0].problem.message).toMatch(/^entry x\/big: over the 64 KiB per-entry cap: inflates to more than that/);
  });

  it('stops at the total cap across nested zips', async () => {
    const inner = zipSync({ PATIENT_DICOM: { image_0: new Uint8Array(40_000), image_1: new Uint8Array(40_000) } });
    const outer = zipSync({ 'p1/PATIENT_DICOM.zip': inner, 'p2/PATIENT_DICOM.zip': inner });
    const items = await expandAll(memoryFile('all.zip', outer), { maxTotalBytes: 150_000 });
    const problems = problemsOf(items);
    expect(problems).toHaveLength(1);
    expect(problems[0].problem.file).toMatch(/PATIENT_DICOM\.zip$/);
    expect(problems[0].problem.message).toMatch(/in total \(zip bomb\?\); stopped reading/);
    expect(Object.keys(filesOf(items)).length).toBeLessThan(4);
  });
});
