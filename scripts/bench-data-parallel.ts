// Data-parallel training step, a measurement for issue 19 (not used by the app or the CLI yet): the
// UNet step split over W worker threads, each on batch/W of the slices, as one step on the whole batch.
// −Dice is not a sum over slices, so each worker's loss uses the others' Σ y·p, Σ p and Σ y as constants
// (exchanged through a SharedArrayBuffer inside the gradient tape): its gradient is then exactly the
// whole batch's gradient for its own slices. The weights' gradients are summed in a fixed order by every
// worker, and each applies the same Adam update, so the replicas stay identical without sending weights.
// Prints ms a step for 1 worker (the usual step) and for W workers, and the first step's loss of each
// (equal up to float rounding); writes bench-results/data-parallel.json.
//
// usage: npx tsx scripts/bench-data-parallel.ts [--config 8x128x4] [--workers 2] [--steps 10]
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../src/model/backends';
import { trainStep } from '../src/model/train';
import { unet } from '../src/model/unet';

interface Job {
  rank: number;
  world: number;
  baseFilters: number;
  size: number;
  batch: number;
  steps: number;
  /** [arrived, generation] for the barrier. */
  control: SharedArrayBuffer;
  /** Per worker: Σ y·p, Σ p, Σ y of its slices. */
  sums: SharedArrayBuffer;
  /** Per worker: every gradient, flattened in the model's variable order. */
  grads: SharedArrayBuffer;
}

const SEED = 7;

/** The same batch in every worker (and in the single-worker step): seeded, so each worker takes its rows. */
function batchOf(batch: number, size: number) {
  const x = tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', SEED) as tf.Tensor4D;
  const y = tf.cast(tf.greater(tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', SEED + 1), 0.7), 'float32') as tf.Tensor4D;
  return { x, y };
}

function barrier(control: Int32Array, world: number): void {
  const generation = Atomics.load(control, 1);
  if (Atomics.add(control, 0, 1) === world - 1) {
    Atomics.store(control, 0, 0);
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  } else {
    while (Atomics.load(control, 1) === generation) Atomics.wait(control, 1, generation);
  }
}

async function worker(job: Job): Promise<{ msPerStep: number; firstLoss: number }> {
  await chooseBackend('wasm');
  const { rank, world, batch, size } = job;
  const model = unet({ baseFilters: job.baseFilters, size, seed: SEED });
  const optimizer = tf.train.adam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const whole = batchOf(batch, size);
  const share = batch / world;
  const x = tf.slice(whole.x, [rank * share, 0, 0, 0], [share, size, size, 1]);
  const y = tf.slice(whole.y, [rank * share, 0, 0, 0], [share, size, size, 1]);
  tf.dispose([whole.x, whole.y]);
  const control = new Int32Array(job.control);
  const sums = new Float64Array(job.sums);
  const params = variables.reduce((n, v) => n + v.size, 0);
  const grads = new Float32Array(job.grads);
  const mine = grads.subarray(rank * params, (rank + 1) * params);
  const total = new Float32Array(params);
  const ySum = tf.sum(y).dataSync()[0];

  const step = (): number => {
    const { value, grads: byName } = tf.variableGrads(() => {
      const p = model.apply(x, { training: true }) as tf.Tensor;
      const inter = tf.sum(tf.mul(y, p));
      const pSum = tf.sum(p);
      sums.set([inter.dataSync()[0], pSum.dataSync()[0], ySum], rank * 3);
      barrier(control, world);
      let [otherInter, otherTotal] = [0, 0];
      for (let r = 0; r < world; r++) {
        if (r === rank) continue;
        otherInter += sums[r * 3];
        otherTotal += sums[r * 3 + 1] + sums[r * 3 + 2];
      }
      const loss = tf.neg(tf.div(tf.add(tf.mul(inter, 2), 2 * otherInter + 1), tf.add(pSum, ySum + otherTotal + 1))) as tf.Scalar;
      return loss;
    }, variables);
    const lossValue = value.dataSync()[0];
    let at = 0;
    for (const v of variables) {
      mine.set(byName[v.name].dataSync(), at);
      at += v.size;
    }
    tf.dispose([value, ...Object.values(byName)]);
    barrier(control, world);
    total.set(grads.subarray(0, params));
    for (let r = 1; r < world; r++) {
      const theirs = grads.subarray(r * params, (r + 1) * params);
      for (let i = 0; i < params; i++) total[i] += theirs[i];
    }
    at = 0;
    const summed: { name: string; tensor: tf.Tensor }[] = variables.map((v) => {
      const tensor = tf.tensor(total.subarray(at, at + v.size), v.shape);
      at += v.size;
      return { name: v.name, tensor };
    });
    optimizer.applyGradients(summed);
    tf.dispose(summed.map((g) => g.tensor));
    return lossValue;
  };

  const firstLoss = step();
  step();
  step();
  const t0 = performance.now();
  for (let i = 0; i < job.steps; i++) step();
  return { msPerStep: (performance.now() - t0) / job.steps, firstLoss };
}

async function single(baseFilters: number, size: number, batch: number, steps: number) {
  await chooseBackend('wasm');
  const model = unet({ baseFilters, size, seed: SEED });
  const optimizer = tf.train.adam(1e-3);
  const { x, y } = batchOf(batch, size);
  const firstLoss = trainStep(model, optimizer, x, y);
  trainStep(model, optimizer, x, y);
  trainStep(model, optimizer, x, y);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainStep(model, optimizer, x, y);
  return { msPerStep: (performance.now() - t0) / steps, firstLoss };
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

async function main() {
  const [baseFilters, size, batch] = option('config', '8x128x4').split('x').map(Number);
  const world = Number(option('workers', '2'));
  const steps = Number(option('steps', '10'));
  if (batch % world !== 0) throw new Error(`batch ${batch} does not split over ${world} workers`);
  const load = loadavg()[0];
  const one = await single(baseFilters, size, batch, steps);
  const counted = unet({ baseFilters, size, seed: SEED });
  const params = counted.trainableWeights.reduce((n, w) => n + w.read().size, 0);
  counted.dispose();
  const shared = {
    control: new SharedArrayBuffer(8),
    sums: new SharedArrayBuffer(8 * 3 * world),
    grads: new SharedArrayBuffer(4 * params * world),
  };
  const results = await Promise.all(
    Array.from({ length: world }, (_, rank) => {
      const job: Job = { rank, world, baseFilters, size, batch, steps, ...shared };
      // The worker loads this file through tsx's API (a worker does not inherit tsx's loader).
      const entry = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
      const w = new Worker(entry, { eval: true, workerData: job });
      return new Promise<{ msPerStep: number; firstLoss: number }>((done, fail) => {
        w.once('message', (r) => {
          void w.terminate();
          done(r);
        });
        w.once('error', fail);
      });
    }),
  );
  const parallel = Math.max(...results.map((r) => r.msPerStep));
  const report = { baseFilters, size, batch, workers: world, steps, params, loadAtStart: load, oneWorkerMsPerStep: one.msPerStep, dataParallelMsPerStep: parallel, firstLossOneWorker: one.firstLoss, firstLossDataParallel: results.map((r) => r.firstLoss) };
  console.log(`UNet base ${baseFilters}, ${size}², batch ${batch}: 1 worker ${one.msPerStep.toFixed(0)} ms a step; ${world} workers ${parallel.toFixed(0)} ms (×${(one.msPerStep / parallel).toFixed(2)}); first loss ${one.firstLoss.toFixed(6)} vs ${results.map((r) => r.firstLoss.toFixed(6)).join(', ')}`);
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../bench-results/data-parallel.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
}

if (isMainThread) void main();
else void worker(workerData as Job).then((r) => parentPort!.postMessage(r));
