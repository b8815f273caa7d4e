// One scanned patient preprocessed on up to `maxParts` workers at once: when there are fewer patients
// than workers, the patient is split into contiguous shares (plan.ts) so every core works on it; each
// share stores its own slices (patientShare.ts, invisible until committed), and once all are in the
// patient's record is committed here. Falls back to the whole-patient job (wholePatient.ts) when the
// scan cannot plan a split or one share is enough. The lookup runs on the caller's thread with the
// input hash it remembered (lookup.ts): no worker round trip before the shares start. Cancellable at
// any moment (the workers are terminated; an interrupted IndexedDB transaction writes nothing, and
// shares never committed are swept as orphans). Pool-agnostic: the caller says where the whole job and
// the shares run (workers/preprocessClient.ts: the page's worker pool; Node or tests: runPartJob).
import { blobSource, type DroppedFile } from '../../common/blobSource';
import type { PatientScan } from '../../discovery/types';
import type { PipelineParams } from '../../pipeline/params';
import type { Db } from '../../storage/schema';
import { commitPatient, discardSlices } from '../../storage/datasets';
import { lookupPatient } from './lookup';
import { cachedPatientRecord } from './patientRecord';
import type { ShareJob } from './patientShare';
import { planPatientParts } from './plan';
import type { PartOutcome, PreprocessOutcome, ProgressFn, StepTimes } from './types';

export interface ScannedPatientJob {
  scan: PatientScan;
  files: readonly DroppedFile[];
  params: PipelineParams;
  /** Shares the patient may be split into (1: the whole-patient job). */
  maxParts: number;
}

/** Where the work runs, and what the caller keeps across patients. */
export interface SplitPatientRunners {
  /** The whole-patient job for this patient (wholePatient.ts runPreprocessJob, e.g. on a pool worker). */
  whole(onProgress: ProgressFn): Promise<PreprocessOutcome>;
  /** One share with the patient's files (patientShare.ts runPartJob, e.g. on a pool worker). */
  share(share: ShareJob, onProgress: ProgressFn): Promise<PartOutcome>;
  /** The content hash of the patient's files (the page remembers it for the very same files). */
  inputHash(): Promise<string>;
  /** The cache. */
  cache(): Promise<Db>;
}

export async function runSplitPatientJob(job: ScannedPatientJob, run: SplitPatientRunners, onProgress: ProgressFn): Promise<PreprocessOutcome> {
  const { scan, files, params, maxParts } = job;
  const plan = maxParts > 1 ? planPatientParts(scan, params, maxParts) : null;
  if (!plan || plan.parts.length < 2) return run.whole(onProgress);
  onProgress('hash', 0);
  const t = performance.now();
  const found = await lookupPatient(run.cache, scan.name, run.inputHash(), params);
  const times: StepTimes = { readMs: 0, windowMs: 0, claheMs: 0, storeMs: 0, hashMs: performance.now() - t };
  if (found.cached) {
    onProgress('done', 1);
    return { ok: true, meta: found.cached, fromCache: true, times };
  }
  const done = plan.parts.map(() => 0);
  const outcomes = await Promise.all(
    plan.parts.map((part, i) => {
      const share = part.ct.length / plan.kept;
      const report: ProgressFn = (stage, fraction) => {
        done[i] = fraction * share;
        if (stage !== 'done') onProgress(stage, done.reduce((a, b) => a + b, 0));
      };
      return run.share({ patient: scan.name, key: found.key, params, width: plan.width, height: plan.height, part }, report);
    }),
  );
  for (const o of outcomes) for (const k of Object.keys(times) as (keyof StepTimes)[]) if (k !== 'hashMs') times[k] += o.times[k];
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) {
    await discardSlices(await run.cache(), found.key).catch(() => {});
    return { ok: false, problem: failed.problem, times };
  }
  const meta = cachedPatientRecord({
    key: found.key,
    patient: scan.name,
    inputHash: found.inputHash,
    params,
    shape: plan,
    spacing: scan.spacing,
    sources: files.map(blobSource),
    bytes: outcomes.reduce((sum, o) => sum + (o.ok ? o.storedBytes : 0), 0),
  });
  try {
    await commitPatient(await run.cache(), meta);
  } catch (e) {
    await discardSlices(await run.cache(), found.key).catch(() => {});
    return { ok: false, problem: { file: scan.name, message: e instanceof Error ? e.message : String(e), severity: 'error' }, times };
  }
  onProgress('done', 1);
  return { ok: true, meta, fromCache: false, times };
}
