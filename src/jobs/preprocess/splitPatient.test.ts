// The split coordinator, run as Node would run it: the shares through runPartJob itself, the cache a
// small in-memory stand-in (Node has no IndexedDB). A split patient's record is the whole-patient
// job's, a cached patient runs no share, a failed share discards what the others stored, and a
// patient that cannot be split goes to the whole-patient job untouched.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { blobSource, type DroppedFile } from '../../common/blobSource';
import { generatePhantomPatient } from '../../phantom/phantom';
import { scanPatients } from '../../discovery/scanPatients';
import type { PatientScan } from '../../discovery/types';
import { DEFAULT_PIPELINE_PARAMS } from '../../pipeline/params';
import { inputHash } from '../../storage/hash';
import type { CachedPatient, Db } from '../../storage/schema';
import { runPartJob } from './patientShare';
import { runSplitPatientJob, type SplitPatientRunners } from './splitPatient';
import type { PreprocessOutcome, ProgressFn } from './types';
import { runPreprocessJob } from './wholePatient';

/** The few IndexedDB calls the coordinator makes (storage/datasets.ts): patient records, and slices counted or deleted by key range. */
function memoryCache(stored: { slices: number }) {
  const patients = new Map<string, CachedPatient>();
  const log: string[] = [];
  const store = (name: string) => ({
    get: async (key: string) => (name === 'patients' ? patients.get(key) : undefined),
    put: async (value: CachedPatient) => void patients.set(value.key, value),
    delete: async () => void log.push('slices deleted'),
    openCursor: async () => (stored.slices > 0 ? { value: { count: stored.slices }, continue: async () => null } : null),
  });
  const db = {
    get: async (_store: string, key: string) => patients.get(key),
    transaction: () => ({ objectStore: store, done: Promise.resolve(), abort: () => log.push('aborted') }),
  } as unknown as Db;
  return { db, patients, log };
}

describe('runSplitPatientJob', () => {
  let scan: PatientScan;
  let files: DroppedFile[];
  beforeAll(async () => {
    vi.stubGlobal('IDBKeyRange', { bound: (lower: unknown, upper: unknown) => ({ lower, upper }) });
    const phantom = generatePhantomPatient({ name: 'Phantom.1', size: 32, slices: 120, seed: 3 });
    files = phantom.files.map((f) => ({ path: f.path, file: new Blob([f.bytes]) }));
    scan = (await scanPatients(files.map(blobSource))).patients[0];
  });
  afterAll(() => vi.unstubAllGlobals());

  const runners = (db: Db, calls: string[], fail?: number): SplitPatientRunners => ({
    whole: async () => {
      calls.push('whole');
      return { ok: false, problem: { file: scan.name, message: 'whole', severity: 'error' }, times: { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: 0 } };
    },
    share: async (share, onProgress: ProgressFn) => {
      calls.push(`share ${share.part.offset}`);
      if (share.part.offset === fail) return { ok: false, problem: { file: share.part.ct[0], message: 'unreadable', severity: 'error' }, times: { readMs: 1, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: 0 } };
      const out = await runPartJob(null, { ...share, sources: files.map(blobSource) }, onProgress);
      return out.ok ? { ...out, storedBytes: share.part.ct.length * 10, pixels: undefined } : out;
    },
    inputHash: () => {
      calls.push('hash');
      return inputHash(files.map(blobSource));
    },
    cache: async () => db,
  });

  it('commits the record the whole-patient job makes, with the shares’ bytes', async () => {
    const whole = await runPreprocessJob(null, { patient: scan.name, sources: files.map(blobSource), params: DEFAULT_PIPELINE_PARAMS, spacing: scan.spacing });
    if (!whole.ok) throw new Error(whole.problem.message);
    const cache = memoryCache({ slices: whole.meta.kept });
    const calls: string[] = [];
    const stages: string[] = [];
    const out = await runSplitPatientJob({ scan, files, params: DEFAULT_PIPELINE_PARAMS, maxParts: 2 }, runners(cache.db, calls), (stage) => stages.push(stage));
    if (!out.ok) throw new Error(out.problem.message);
    expect(calls).toEqual(['hash', 'share 0', `share ${Math.round(whole.meta.kept / 2)}`]);
    expect(out.fromCache).toBe(false);
    expect(stages[0]).toBe('hash');
    expect(stages.at(-1)).toBe('done');
    const { key, inputHash: hash, bytes, createdAt: _a, ...fields } = out.meta;
    const { key: _k, inputHash: _h, bytes: _b, createdAt: _c, ...wholeFields } = whole.meta;
    expect(Object.keys(out.meta)).toEqual(Object.keys(whole.meta));
    expect(fields).toEqual(wholeFields);
    expect(hash).toBe(await inputHash(files.map(blobSource)));
    expect(bytes).toBe(whole.meta.kept * 10);
    expect(cache.patients.get(key)).toEqual(out.meta);

    // Again: found in the cache, no share runs.
    calls.length = 0;
    const again = await runSplitPatientJob({ scan, files, params: DEFAULT_PIPELINE_PARAMS, maxParts: 2 }, runners(cache.db, calls), () => {});
    expect(again).toMatchObject({ ok: true, fromCache: true, meta: out.meta });
    expect(calls).toEqual(['hash']);
  }, 120_000);

  it('discards the stored shares when one fails, and sums the shares’ times', async () => {
    const cache = memoryCache({ slices: 0 });
    const calls: string[] = [];
    const out: PreprocessOutcome = await runSplitPatientJob({ scan, files, params: DEFAULT_PIPELINE_PARAMS, maxParts: 2 }, runners(cache.db, calls, 0), () => {});
    expect(out).toMatchObject({ ok: false, problem: { message: 'unreadable' } });
    expect(out.times.readMs).toBeGreaterThanOrEqual(1);
    expect(cache.log).toEqual(['slices deleted']);
    expect(cache.patients.size).toBe(0);
  }, 120_000);

  it('leaves a patient that is not split to the whole-patient job', async () => {
    const cache = memoryCache({ slices: 0 });
    for (const job of [
      { scan, files, params: DEFAULT_PIPELINE_PARAMS, maxParts: 1 },
      { scan, files, params: { ...DEFAULT_PIPELINE_PARAMS, organ: 'no-such-organ' }, maxParts: 4 },
    ]) {
      const calls: string[] = [];
      const out = await runSplitPatientJob(job, runners(cache.db, calls), () => {});
      expect(out).toMatchObject({ ok: false, problem: { message: 'whole' } });
      expect(calls).toEqual(['whole']);
    }
  });
});
