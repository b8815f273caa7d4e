// Content hashes for the cache: SHA-256 (WebCrypto, native speed in pages, workers and Node 20)
// of a patient's input files, so re-dropping the same files is recognised without re-processing.
// Hashing is bounded: at most a few files' bytes are held at once (whole DICOM files are small).
import type { PipelineParams } from '../pipeline/params';
import { readZipIndex } from '../archive/zipIndex';

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const HASH_LANES = 3;

/** A file as hashing needs it: whole bytes, and random access where the platform gives it. */
export interface HashableFile {
  path: string;
  size: number;
  bytes(): Promise<Uint8Array>;
  slice?(start: number, end: number): Promise<Uint8Array>;
}

/**
 * Hash of the input files, in path order: a DICOM file by its bytes' SHA-256; a zip by its central
 * directory — every entry's name, size and CRC-32 of its content — which identifies what the zip holds
 * without reading (and hashing) tens of MB: the reader checks every entry it inflates against that
 * CRC-32, so the pixels the cache was made from are the ones the directory describes. A zip without a
 * readable directory falls back to hashing its bytes.
 */
export async function inputHash(files: HashableFile[]): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const digests: string[] = new Array(sorted.length);
  let next = 0;
  const lane = async () => {
    while (next < sorted.length) {
      const i = next++;
      digests[i] = await fileDigest(sorted[i]);
    }
  };
  // A few lanes: WebCrypto digests off the calling thread, so one file's digest overlaps the next one's read.
  await Promise.all(Array.from({ length: HASH_LANES }, lane));
  return sha256Hex(sorted.map((f, i) => `${f.path}\t${f.size}\t${digests[i]}`).join('\n'));
}

async function fileDigest(file: HashableFile): Promise<string> {
  if (file.slice && /\.zip$/i.test(file.path)) {
    const read = file.slice.bind(file);
    try {
      const entries = await readZipIndex(read, file.size);
      return `zip:${await sha256Hex(entries.map((e) => `${e.name}\t${e.size}\t${e.crc}\t${e.method}`).join('\n'))}`;
    } catch {
      /* not a readable zip: its bytes identify it */
    }
  }
  return sha256Hex(await file.bytes());
}

/** The cache key of a processed patient: same inputs + same parameters + same pipeline = same key. */
export function patientKey(patient: string, input: string, params: PipelineParams, pipelineVersion: string): Promise<string> {
  const p = Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k as keyof PipelineParams])}`)
    .join(';');
  return sha256Hex(`${patient}\n${input}\n${p}\n${pipelineVersion}`);
}
