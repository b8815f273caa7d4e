// A patient's cache lookup, one function for both ways a patient is preprocessed: from the content
// hash of its input files (storage/hash.ts) and the settings, the patient's cache key, then its cached
// record if any. The whole-patient job runs it in its worker (hashing the files there); a patient split
// across the pool runs it on the page's thread with the hash the page remembered for those very files
// (workers/preprocessClient.ts patientInputHash), so the lookup is a string hash and one IndexedDB
// get: no worker round trip, and for zips hashed ahead of the run no file read.
import { PIPELINE_VERSION, type PipelineParams } from '../../pipeline/params';
import type { CachedPatient, Db } from '../../storage/schema';
import { findPatient } from '../../storage/datasets';
import { patientKey } from '../../storage/hash';

export interface PatientLookup {
  key: string;
  inputHash: string;
  cached?: CachedPatient;
}

/**
 * The patient's cache key for these settings and its cached record, if any. `input` is the content hash
 * of its files (computing or remembered); `cache` gives the cache once the key is known; `keyed` runs
 * between the two (the whole-patient job's hash time ends there, before the IndexedDB get).
 */
export async function lookupPatient(
  cache: () => Db | Promise<Db>,
  patient: string,
  input: Promise<string>,
  params: PipelineParams,
  keyed: () => void = () => {},
): Promise<PatientLookup> {
  const hash = await input;
  const key = await patientKey(patient, hash, params, PIPELINE_VERSION);
  keyed();
  const cached = await findPatient(await cache(), key);
  return { key, inputHash: hash, ...(cached ? { cached } : {}) };
}
