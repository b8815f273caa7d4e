// Content hashes for the cache: SHA-256 (WebCrypto, native speed in pages, workers and Node 20)
// of a patient's input files, so re-dropping the same files is recognised without re-processing.
import type { PipelineParams } from '../pipeline/params';

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hash of the input files: each file's path, size and SHA-256, in path order. */
export async function inputHash(files: { path: string; size: number; bytes(): Promise<Uint8Array> }[]): Promise<string> {
  const parts: string[] = [];
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    parts.push(`${f.path}\t${f.size}\t${await sha256Hex(await f.bytes())}`);
  }
  return sha256Hex(parts.join('\n'));
}

/** The cache key of a processed patient: same inputs + same parameters + same pipeline = same key. */
export function patientKey(patient: string, input: string, params: PipelineParams, pipelineVersion: string): Promise<string> {
  const p = Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k as keyof PipelineParams])}`)
    .join(';');
  return sha256Hex(`${patient}\n${input}\n${p}\n${pipelineVersion}`);
}
