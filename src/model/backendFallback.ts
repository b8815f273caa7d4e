// What a training run does after its backend fails. A failure while training (a kernel throwing,
// a lost WebGPU device, a crashed worker) is blamed on the backend: the run continues from its last
// checkpoint on the next backend down BACKEND_ORDER, chosen from there as the automatic choice does
// (software GPUs skipped). A failure reading the run's data, a run held by another tab, a stop, or
// the last backend failing ends the run as it is. Pure: no tfjs, no DOM, no IndexedDB.
import { BACKEND_ORDER, type BackendName } from './backends';

export interface RunOutcome {
  status: 'finished' | 'stopped' | 'failed';
  backend: BackendName | null;
  message?: string;
  /**
   * Where a failure happened: reading the run's data (no backend helps), while training (try
   * another backend), or before starting because another tab holds the run.
   */
  failedIn?: 'data' | 'training' | 'locked';
}

/** One move to another backend during a run, for the UI and the run's record. */
export interface BackendFallback {
  from: BackendName;
  /** Why `from` failed (the worker's message, e.g. the lost device's reason). */
  reason: string;
  /** Completed epochs restored from the checkpoint the run continued from. */
  resumedFromEpoch: number;
  /** The backend the run continued on, once the next worker has chosen it. */
  to: BackendName | null;
}

export const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/**
 * Where to continue after `outcome`: the first backend after the failed one that has not failed
 * in this run already (`failed`), or null when the run ends as it is.
 */
export function fallbackStart(outcome: RunOutcome, failed: readonly BackendName[]): BackendName | null {
  if (outcome.status !== 'failed' || outcome.failedIn !== 'training' || outcome.backend === null) return null;
  const after = BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(outcome.backend) + 1);
  return after.find((b) => !failed.includes(b)) ?? null;
}

/** "WebGPU failed mid-run (…); continued on WASM from the checkpoint of epoch 2". */
export function describeFallback(f: BackendFallback): string {
  const from = f.resumedFromEpoch > 0 ? `the checkpoint of epoch ${f.resumedFromEpoch}` : 'the start (no epoch had finished)';
  const to = f.to ? `continued on ${BACKEND_LABEL[f.to]}` : 'moving to the next backend';
  return `${BACKEND_LABEL[f.from]} failed mid-run (${f.reason}); ${to} from ${from}`;
}
