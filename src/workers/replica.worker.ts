// Worker: one of the tab's training threads (model/replica.ts) — the WASM backend from the app's own
// binaries, then the gradients of its share of every batch until the training worker that started
// it says quit. Started by workers/trainingThreads.ts from inside the training worker.
import { setWasmPaths } from '../model/backends';
import { runReplica, type ReplicaInit } from '../model/replica';
import { useReplicaBackend } from '../model/replicaBackend';
import { TFJS_WASM_PATHS } from './wasmAssets';

self.onmessage = (e: MessageEvent<ReplicaInit>) => {
  void runReplica(e.data, async () => {
    setWasmPaths(TFJS_WASM_PATHS);
    await useReplicaBackend();
  });
};
