// Entry of a Node worker thread serving data-parallel training steps (model/replica.ts) for the
// CLI: the WASM backend, then steps until the trainer's thread says quit. Bundled as its own file
// (dist-cli/replica-thread.mjs) by scripts/build-cli.mjs; started by cli/replicaThreads.ts.
import { workerData } from 'node:worker_threads';
import { runReplica, type ReplicaInit } from '../model/replica';
import { useReplicaBackend } from '../model/replicaBackend';

await runReplica(workerData as ReplicaInit, useReplicaBackend);
