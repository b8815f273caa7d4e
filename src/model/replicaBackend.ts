// The backend a replica thread of a data-parallel step needs: the WASM backend, single-threaded
// (the step's threads are the parallelism), or a clear failure. Shared by the Node and the browser
// shells (cli/replicaThread.ts, workers/replica.worker.ts). Pure tfjs.
import { chooseBackend } from './backends';

export async function useReplicaBackend(): Promise<void> {
  const choice = await chooseBackend('wasm');
  if (choice.backend !== 'wasm') throw new Error(`the WASM backend did not start in a training thread: ${choice.skipped.map((s) => s.reason).join('; ')}`);
}
