// Issue 7 §1, ingest half (zips; names and paths; a 1000-slice series in bounded memory): bad input a clinician's export can hold, written as real
// files to a temp folder and run through the same core the browser workers and the CLI use —
// scanPatients (scan worker, `inspect`) and runPreprocessJob (preprocess worker, `preprocess`,
// `train`). Each case asserts the message the user reads (naming the file and the problem) and
// what is kept: the other slices and patients go on. (What the cache keeps is asserted in a real
// browser by e2e/faults.spec.ts: Node has no IndexedDB.)
import v8 from 'node:v8';
import vm from 'node:vm';
import path from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { scanPatients } from '../../discovery/scanPatients';
import { DEFAULT_PIPELINE_PARAMS } from '../../pipeline/params';
import { runPreprocessJob } from './wholePatient';
import { patientSourceFiles } from '../../discovery/patientSources';
import type { SourceFile } from '../../common/types';
import { flipEntryByte, lieAboutSize, syntheticPatient, zipOf } from '../../test-support/faultFixtures';
import { KEPT, S, onDisk, patient, patientOf, plain, preprocess, processed, scan, sourcesOf, writeFiles, tempDropFolder } from '../../test-support/faultDrops';

const drops = tempDropFolder();

describe('issue 7 §1 faults: zips', () => {
  it('a stored entry with a flipped byte fails its CRC-32 and is named; the other entries load', async () => {
    const zip = flipEntryByte(zipOf(patient({ name: 'P' }), '', 0), 'P/PATIENT_DICOM/image_8');
    const p = patientOf(await scan(await onDisk('crc', [{ path: 'P.zip', bytes: zip }])), 'P');
    expect(plain(p.problems)[0]).toEqual({
      file: 'crc/P.zip',
      message: expect.stringMatching(/^entry P\/PATIENT_DICOM\/image_8: corrupt data \(CRC-32 is [0-9a-f]{8}, the zip says [0-9a-f]{8}\)$/),
      severity: 'error',
    });
    expect(p.ct).toHaveLength(S - 1);
  });

  it('the same flipped byte in a zip given as bytes in memory (as a worker receives it) is caught too', async () => {
    const zip = flipEntryByte(zipOf(patient({ name: 'P' }), '', 0), 'P/PATIENT_DICOM/image_8');
    const result = await scanPatients([{ path: 'P.zip', bytes: zip }]);
    expect(plain(patientOf(result, 'P').problems)[0].message).toMatch(/^entry P\/PATIENT_DICOM\/image_8: corrupt data \(CRC-32 is /);
  });

  it('a zip cut short keeps its complete entries and names the entry it ends in', async () => {
    const zip = zipOf(patient({ name: 'P' }));
    const cut = zip.subarray(0, Math.floor(zip.length * 0.6));
    const result = await scan(await onDisk('cut-zip', [{ path: 'P.zip', bytes: cut }]));
    const p = patientOf(result, 'P');
    const zipProblems = [...result.problems, ...p.problems].filter((problem) => problem.file === 'cut-zip/P.zip');
    expect(zipProblems).toHaveLength(1);
    expect(zipProblems[0].message).toMatch(/^entry P\/(PATIENT_DICOM|MASKS_DICOM\/liver)\/image_\d+: (zip ends inside this entry, truncated\?|corrupt)/);
    expect(p.ct.length).toBeGreaterThan(5);
    expect(p.ct.length).toBeLessThan(S);
  });

  it('zip bomb: an entry declaring more than the per-entry cap is skipped unread', async () => {
    const bomb = zipOf([...patient({ name: 'P' }), { path: 'P/PATIENT_DICOM/image_99', bytes: new Uint8Array(8 << 20) }]);
    const p = patientOf(await scan(await onDisk('bomb', [{ path: 'P.zip', bytes: bomb }]), { zipCaps: { maxEntryBytes: 1 << 20 } }), 'P');
    expect(bomb.length).toBeLessThan(64 << 10);
    expect(plain(p.problems)).toEqual([
      { file: 'bomb/P.zip', message: 'entry P/PATIENT_DICOM/image_99: over the 1 MiB per-entry cap: inflates to 8 MiB (zip bomb?); skipped', severity: 'error' },
    ]);
    expect(p.ct).toHaveLength(S);
  });

  it('zip bomb that lies about its size: inflation stops at the cap', async () => {
    const honest = zipOf([...patient({ name: 'P' }), { path: 'P/PATIENT_DICOM/image_99', bytes: new Uint8Array(8 << 20) }]);
    const liar = lieAboutSize(honest, 'P/PATIENT_DICOM/image_99', 1000);
    const p = patientOf(await scan(await onDisk('liar', [{ path: 'P.zip', bytes: liar }]), { zipCaps: { maxEntryBytes: 1 << 20 } }), 'P');
    expect(plain(p.problems)).toEqual([
      { file: 'liar/P.zip', message: 'entry P/PATIENT_DICOM/image_99: over the 1 MiB per-entry cap: inflates to more than that (zip bomb?); skipped', severity: 'error' },
    ]);
    expect(p.ct).toHaveLength(S);
  });

  it('zip bomb of nested zips: the total cap stops reading and says so', async () => {
    const inner = zipOf(patient({ name: 'P' }));
    const nested = zipOf([0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ path: `copy${i}.zip`, bytes: inner })));
    const result = await scan(await onDisk('nested-bomb', [{ path: 'all.zip', bytes: nested }]), { zipCaps: { maxTotalBytes: 3 * inner.length + 200_000 } });
    const all = [...result.problems, ...result.patients.flatMap((p) => p.problems)];
    expect(all.filter((p) => /zip bomb/.test(p.message))).toEqual([
      { file: 'nested-bomb/all/copy1.zip', message: expect.stringMatching(/^entry .+: the drop inflates past [\d.]+ KiB in total \(zip bomb\?\); stopped reading$/), severity: 'error' },
    ]);
  });
});

describe('issue 7 §1 faults: names and paths', () => {
  it('unicode and spaces in patient and file names, on disk and inside a zip', async () => {
    const name = 'Müller José 李 01';
    const files = patient({ name }).map((f) => ({ ...f, path: f.path.replace(/image_(\d+)$/, 'slice $1 – é.dcm') }));
    const dir = await onDisk('unicode é', files);
    const p = patientOf(await scan(dir), name);
    expect(p.problems).toEqual([]);
    expect(p.ct[3].file).toBe(`unicode é/${name}/PATIENT_DICOM/slice 3 – é.dcm`);
    expect(processed(await preprocess(dir, name)).meta.name).toBe(name);

    const zipped = await onDisk('unicode-zip', [{ path: `${name}.zip`, bytes: zipOf(files) }]);
    const z = patientOf(await scan(zipped), name);
    expect(z.problems).toEqual([]);
    expect(z.ct[3].file).toBe(`unicode-zip/${name}/PATIENT_DICOM/slice 3 – é.dcm`);
    expect(processed(await preprocess(zipped, name)).meta.kept).toBe(KEPT);
  });

  it('Windows-style paths: backslashes in zip entry names are folders', async () => {
    const files = patient({ name: 'P' }).map((f) => ({ ...f, path: f.path.replaceAll('/', '\\') }));
    const dir = await onDisk('backslash-zip', [{ path: 'P.zip', bytes: zipOf(files) }]);
    const p = patientOf(await scan(dir), 'P');
    expect(p.problems).toEqual([]);
    expect(p.ct[0].file).toBe('backslash-zip/P/PATIENT_DICOM/image_0');
    expect(processed(await preprocess(dir, 'P')).meta.kept).toBe(KEPT);
  });

  it('Windows-style paths: backslashes in dropped file paths (webkitRelativePath from a Windows share)', async () => {
    const sources: SourceFile[] = patient({ name: 'P' }).map((f) => ({
      path: `C:\\exports\\${f.path.replaceAll('/', '\\')}`,
      size: f.bytes.length,
      bytes: async () => f.bytes,
    }));
    const result = await scanPatients(sources);
    expect(result.problems).toEqual([]);
    expect(patientOf(result, 'P').ct[0].file).toBe('C:/exports/P/PATIENT_DICOM/image_0');
    // The browser hands a patient's preprocessing the dropped files matching the scan's (normalised) paths.
    expect(patientSourceFiles(sources, patientOf(result, 'P'))).toHaveLength(sources.length);
    const out = await runPreprocessJob(null, { patient: 'P', sources, params: { ...DEFAULT_PIPELINE_PARAMS }, spacing: null });
    expect(processed(out).meta.kept).toBe(KEPT);
  });
});

describe('issue 7 §1 faults: a 1000-slice series in bounded memory', () => {
  const SLICES = 1000;
  const SIZE = 64;
  const gc = (): void => {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  };
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  /** Memory still referenced: collected first, so garbage awaiting the collector is not counted. */
  const live = (): number => {
    gc();
    return used();
  };
  interface Peaks {
    /** Highest memory in use seen at any file read (garbage included: depends on when the collector runs). */
    raw: number;
    /** Highest memory still referenced, sampled every 50 files read: what the code holds on to. */
    live: number;
  }
  /** The same files, each read sampling the memory in use, so the peak over the whole job is seen. */
  const sampling = (sources: SourceFile[], peak: Peaks): SourceFile[] => {
    let reads = 0;
    return sources.map((s) => ({
      path: s.path,
      size: s.size,
      async bytes() {
        const bytes = await s.bytes();
        peak.raw = Math.max(peak.raw, used());
        if (++reads % 50 === 0) peak.live = Math.max(peak.live, live());
        return bytes;
      },
    }));
  };
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

  let dir: string;
  let inputBytes = 0;
  beforeAll(async () => {
    dir = path.join(drops.folder(), 'thousand');
    // Written one slice at a time: the fixture never holds the series either.
    for (const file of syntheticPatient({ name: 'Long', rows: SIZE, columns: SIZE, slices: SLICES })) {
      inputBytes += file.bytes.length;
      await writeFiles(dir, [file]);
    }
  }, 120_000);

  it('scanning 1000 slices keeps headers only: what it holds stays a small fraction of the files read', async () => {
    const sources = await sourcesOf(dir);
    const base = live();
    const peak: Peaks = { raw: base, live: base };
    const result = await scanPatients(sampling(sources, peak));
    const p = patientOf(result, 'Long');
    expect(p.ct).toHaveLength(SLICES);
    expect(p.organs[0].nonEmptyRange).toEqual([250, 750]);
    console.log(
      `[measure] scan of ${SLICES} slices ${SIZE}²: input ${mib(inputBytes)}, peak held ${mib(peak.live - base)} ` +
        `(peak in use incl. garbage ${mib(peak.raw - base)})`,
    );
    // What a scan keeps is 1000 header records (~3 MiB measured, some of it sampling noise); keeping the
    // files' bytes would add all 13 MiB of them, so half the input still tells the two apart.
    expect(peak.live - base).toBeLessThan(inputBytes / 2);
  }, 120_000);

  it('preprocessing 1000 slices holds the decoded series and the output, never the files it read', async () => {
    const sources = await sourcesOf(dir);
    const base = live();
    const peak: Peaks = { raw: base, live: base };
    const outcome = await runPreprocessJob(null, { patient: 'Long', sources: sampling(sources, peak), params: { ...DEFAULT_PIPELINE_PARAMS }, spacing: null });
    const out = processed(outcome);
    peak.live = Math.max(peak.live, live());
    expect([out.meta.sliceCount, out.meta.start, out.meta.end, out.meta.kept]).toEqual([SLICES, 250, 750, 490]);
    const decoded = SLICES * SIZE * SIZE * 3; // int16 CT + uint8 mask per slice
    const output = out.images.length + out.masks.length;
    console.log(
      `[measure] preprocess of ${SLICES} slices ${SIZE}²: input ${mib(inputBytes)}, decoded ${mib(decoded)}, output ${mib(output)}, ` +
        `peak held ${mib(peak.live - base)} (peak in use incl. garbage ${mib(peak.raw - base)})`,
    );
    // Keeping each file's bytes (or a second copy of the pixels) would add ~13 MiB on top of this bound.
    expect(peak.live - base).toBeLessThan(decoded + output + inputBytes / 4);
  }, 120_000);
});
