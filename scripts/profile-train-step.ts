// Where a UNet training step's time goes: tf.profile over a few steps on one backend in Node (WASM
// with our training kernels by default), kernel times summed by kernel name, largest first. For
// deciding which kernel to speed up next (issue 19's step-time goal); prints a table, writes nothing.
//
// usage: npx tsx scripts/profile-train-step.ts [--backend wasm] [--config 8x128x4] [--steps 3]
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, type BackendName } from '../src/model/backends';
import { trainStep } from '../src/model/train';
import { unet } from '../src/model/unet';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

async function main() {
  const backend = option('backend', 'wasm') as BackendName;
  const [baseFilters, size, batch] = option('config', '8x128x4').split('x').map(Number);
  const steps = Number(option('steps', '3'));
  const chosen = await chooseBackend(backend);
  const model = unet({ baseFilters, size });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, size, size, 1]) as tf.Tensor4D;
  const y = tf.cast(tf.greater(tf.randomUniform([batch, size, size, 1]), 0.7), 'float32') as tf.Tensor4D;
  for (let i = 0; i < 2; i++) trainStep(model, optimizer, x, y);
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(() => {
      trainStep(model, optimizer, x, y);
    });
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const ms = await k.kernelTimeMs;
      const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      entry.ms += typeof ms === 'number' ? ms : 0;
      entry.calls++;
      byKernel.set(k.name, entry);
    }
  }
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((a, [, r]) => a + r.ms, 0);
  console.log(`${chosen.backend}, UNet base ${baseFilters}, ${size}², batch ${batch}: ${(wall / steps).toFixed(0)} ms a profiled step (profiling adds overhead), kernels ${(total / steps).toFixed(0)} ms`);
  console.log('| kernel | ms / step | calls / step | share |\n|---|---|---|---|');
  for (const [name, r] of rows.slice(0, 25)) console.log(`| ${name} | ${(r.ms / steps).toFixed(1)} | ${r.calls / steps} | ${((100 * r.ms) / total).toFixed(1)} % |`);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
}

void main();
