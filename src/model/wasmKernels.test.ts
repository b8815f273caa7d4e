// The hand-written WASM training kernels give the CPU backend's answers, shape by shape.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients (tfjs-core alone has none)
import { Conv2DBackpropFilter, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import { chooseBackend } from './backends';
import { diceLoss } from './losses';
import { unet } from './unet';

interface ConvCase {
  batch: number;
  size: [number, number];
  inChannels: number;
  outChannels: number;
  filter: number;
  stride: number;
  pad: 'same' | 'valid';
}

const cases: ConvCase[] = [
  { batch: 1, size: [8, 8], inChannels: 1, outChannels: 4, filter: 3, stride: 1, pad: 'same' },
  { batch: 2, size: [13, 11], inChannels: 3, outChannels: 5, filter: 3, stride: 1, pad: 'same' },
  { batch: 3, size: [9, 9], inChannels: 4, outChannels: 2, filter: 3, stride: 1, pad: 'valid' },
  { batch: 4, size: [7, 10], inChannels: 6, outChannels: 3, filter: 1, stride: 1, pad: 'valid' },
  { batch: 2, size: [16, 16], inChannels: 8, outChannels: 4, filter: 2, stride: 2, pad: 'valid' },
  { batch: 1, size: [11, 9], inChannels: 4, outChannels: 4, filter: 2, stride: 2, pad: 'valid' },
  { batch: 2, size: [12, 12], inChannels: 3, outChannels: 6, filter: 3, stride: 2, pad: 'same' },
  { batch: 1, size: [9, 13], inChannels: 2, outChannels: 3, filter: 3, stride: 2, pad: 'valid' },
  { batch: 2, size: [10, 10], inChannels: 5, outChannels: 7, filter: 2, stride: 1, pad: 'same' },
  { batch: 1, size: [6, 6], inChannels: 3, outChannels: 2, filter: 1, stride: 2, pad: 'valid' },
];

function random(shape: number[], seed: number): Float32Array {
  let state = seed * 2654435761 >>> 0;
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return values;
}

/** Runs `kernel` on each backend with the same inputs; returns [cpu, wasm] values. */
async function onBothBackends(run: () => tf.Tensor): Promise<[Float32Array, Float32Array]> {
  const results: Float32Array[] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const out = run();
    results.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  return [results[0], results[1]];
}

function expectClose(expected: Float32Array, actual: Float32Array) {
  expect(actual.length).toBe(expected.length);
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
    maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
  }
  expect(maxDiff).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs));
}

function outSize(size: number, c: ConvCase) {
  return c.pad === 'same' ? Math.ceil(size / c.stride) : Math.floor((size - c.filter) / c.stride) + 1;
}

describe('WASM training kernels match the CPU backend', () => {
  beforeAll(async () => {
    expect((await chooseBackend('wasm')).backend).toBe('wasm');
  });

  it.each(cases)('Conv2DBackpropFilter %o', async (c) => {
    const xShape = [c.batch, ...c.size, c.inChannels];
    const dyShape = [c.batch, outSize(c.size[0], c), outSize(c.size[1], c), c.outChannels];
    const filterShape: [number, number, number, number] = [c.filter, c.filter, c.inChannels, c.outChannels];
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => tf.engine().runKernel(Conv2DBackpropFilter,
      { x: tf.tensor(random(xShape, 1), xShape), dy: tf.tensor(random(dyShape, 2), dyShape) },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor));
    expectClose(cpu, wasm);
  });

  it.each(cases)('Conv2DBackpropInput %o', async (c) => {
    const inputShape = [c.batch, ...c.size, c.inChannels];
    const dyShape = [c.batch, outSize(c.size[0], c), outSize(c.size[1], c), c.outChannels];
    const filterShape = [c.filter, c.filter, c.inChannels, c.outChannels];
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => tf.engine().runKernel(Conv2DBackpropInput,
      { dy: tf.tensor(random(dyShape, 3), dyShape), filter: tf.tensor(random(filterShape, 4), filterShape) },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape } as unknown as tf.NamedAttrMap) as tf.Tensor));
    expectClose(cpu, wasm);
  });

  it.each([
    { shape: [4, 5, 6, 7], begin: [1, 0, 2, 3], size: [2, 5, 3, 4] },
    { shape: [2, 9, 9, 40], begin: [0, 1, 1, 0], size: [2, 7, 7, 40] },
    { shape: [3, 8, 8, 24], begin: [0, 0, 0, 8], size: [3, 8, 8, 16] },
    { shape: [64], begin: [10], size: [40] },
    { shape: [6, 50], begin: [2, 0], size: [3, 50] },
    { shape: [2, 3, 4, 5, 6], begin: [1, 1, 0, 2, 1], size: [1, 2, 4, 3, 5] },
  ])('Slice %o', async ({ shape, begin, size }) => {
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => tf.slice(tf.tensor(random(shape, 7), shape), begin, size)));
    expectClose(cpu, wasm);
    const [cpuInt, wasmInt] = await onBothBackends(() => tf.tidy(() =>
      tf.cast(tf.slice(tf.cast(tf.mul(tf.tensor(random(shape, 8), shape), 100), 'int32'), begin, size), 'float32')));
    expectClose(cpuInt, wasmInt);
  });

  it.each([
    { shapes: [[4, 16, 16, 8], [4, 16, 16, 16]], axis: 3 },
    { shapes: [[2, 5, 7, 3], [2, 5, 7, 1], [2, 5, 7, 40]], axis: 3 },
    { shapes: [[3, 4], [5, 4]], axis: 0 },
    { shapes: [[2, 3, 4], [2, 6, 4]], axis: 1 },
  ])('Concat and its gradient SplitV %o', async ({ shapes, axis }) => {
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => tf.concat(shapes.map((s, i) => tf.tensor(random(s, 10 + i), s)), axis)));
    expectClose(cpu, wasm);
    const total = shapes[0].slice();
    total[axis] = shapes.reduce((sum, s) => sum + s[axis], 0);
    for (let part = 0; part < shapes.length; part++) {
      const [cpuPart, wasmPart] = await onBothBackends(() => tf.tidy(() =>
        tf.split(tf.tensor(random(total, 20), total), shapes.map((s) => s[axis]), axis)[part].clone()));
      expectClose(cpuPart, wasmPart);
    }
    const [cpuBool, wasmBool] = await onBothBackends(() => tf.tidy(() =>
      tf.cast(tf.concat(shapes.map((s, i) => tf.greater(tf.tensor(random(s, 30 + i), s), 0)), axis), 'float32')));
    expectClose(cpuBool, wasmBool);
  });

  it.each([
    { shape: [2, 8, 8, 3], filter: 2, stride: 2, pad: 'valid' },
    { shape: [1, 25, 13, 5], filter: 2, stride: 2, pad: 'valid' },
    { shape: [3, 6, 9, 1], filter: 3, stride: 3, pad: 'valid' },
    { shape: [2, 9, 9, 4], filter: 3, stride: 2, pad: 'same' },
    { shape: [1, 10, 7, 2], filter: 2, stride: 1, pad: 'same' },
  ] as { shape: [number, number, number, number]; filter: number; stride: number; pad: 'valid' | 'same' }[])('MaxPoolGrad %o', async ({ shape, filter, stride, pad }) => {
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => {
      const x = tf.tensor4d(random(shape, 40), shape);
      const weights = tf.tensor(random([shape[3]], 41));
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, filter, stride, pad), weights)))(x);
    }));
    expectClose(cpu, wasm);
  });

  it.each([
    { shape: [2, 5, 6, 3], paddings: [[0, 0], [1, 2], [0, 3], [0, 1]], value: 0 },
    { shape: [4, 9], paddings: [[2, 1], [0, 0]], value: -1.5 },
    { shape: [3, 4, 5], paddings: [[0, 0], [0, 0], [2, 2]], value: 7 },
  ] as { shape: number[]; paddings: [number, number][]; value: number }[])('PadV2 %o', async ({ shape, paddings, value }) => {
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => tf.pad(tf.tensor(random(shape, 60), shape), paddings, value)));
    expectClose(cpu, wasm);
  });

  it.each([
    { shape: [4, 6, 6, 8], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 6, 6, 8], axis: [0, 1, 2], keepDims: true },
    { shape: [3, 7], axis: [0], keepDims: false },
    { shape: [3, 7, 5], axis: [1, 2], keepDims: false },
    { shape: [3, 7, 5], axis: [0, 2], keepDims: true },
  ])('Sum %o', async ({ shape, axis, keepDims }) => {
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => tf.sum(tf.tensor(random(shape, 61), shape), axis, keepDims)));
    expectClose(cpu, wasm);
  });

  it.each([
    { shape: [3, 3, 16, 8], dims: [0, 1] },
    { shape: [2, 3, 4, 40], dims: [1] },
    { shape: [5, 70], dims: [0] },
    { shape: [4, 6, 7], dims: [0, 2] },
    { shape: [3, 3, 2, 2], dims: [0, 1] },
    { shape: [9, 80], dims: [] },
  ])('Reverse %o', async ({ shape, dims }) => {
    const [cpu, wasm] = await onBothBackends(() => tf.tidy(() => tf.reverse(tf.tensor(random(shape, 70), shape), dims)));
    expectClose(cpu, wasm);
    const [cpuInt, wasmInt] = await onBothBackends(() => tf.tidy(() =>
      tf.cast(tf.reverse(tf.cast(tf.mul(tf.tensor(random(shape, 71), shape), 100), 'int32'), dims), 'float32')));
    expectClose(cpuInt, wasmInt);
  });

  it('Identity shares the data and frees it with the last reference', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    const x = tf.tensor([1, 2, 3]);
    const copy = tf.clone(x);
    expect(backend.numDataIds()).toBe(before + 1);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    copy.dispose();
    expect(backend.numDataIds()).toBe(before);
  });

  it('leaves no tensor behind on the WASM heap', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor(random([2, 12, 12, 3], 5), [2, 12, 12, 3]);
    const w = tf.tensor(random([3, 3, 3, 4], 6), [3, 3, 3, 4]);
    const before = backend.numDataIds();
    for (const pad of ['same', 'valid'] as const) {
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad)))([x, w]);
      tf.dispose([dx, dw]);
    }
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([x, w]);
  });

  // The CPU backend's filter gradient is slow (~4 s per UNet here), so one image per case.
  it.each([{ base: 4, size: 64 }, { base: 2, size: 69 }])('gives the whole UNet the CPU backend\'s gradients %o', async ({ base, size }) => {
    await tf.setBackend('cpu');
    const model = unet({ baseFilters: base, size });
    // Seeded weights (He-scaled kernels, zero biases), not the layers' unseeded initialisers: the same
    // case every run (with random weights a draw now and then broke a tighter bound on float32 noise alone).
    model.setWeights(model.getWeights().map((w, i) => {
      if (w.shape.length === 1) return tf.zerosLike(w);
      const fanIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      return tf.tensor(random(w.shape, 1000 + i).map((v) => v * 2 * Math.sqrt(6 / fanIn)), w.shape);
    }));
    const shape = [1, size, size, 1];
    const x = tf.tensor(random(shape, 50).map((v) => v + 0.5), shape);
    const y = tf.tensor(random(shape, 51).map((v) => (v > 0.2 ? 1 : 0)), shape);
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const gradients: Float32Array[][] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const { grads } = tf.variableGrads(() => diceLoss(y, model.apply(x, { training: true }) as tf.Tensor), weights);
      gradients.push(weights.map((w) => grads[w.name].dataSync() as Float32Array));
      tf.dispose(grads);
    }
    // Float32 sums in another order: these weights give up to 4.9e-3 of a layer's largest gradient in
    // the bottleneck and first up layers (where the Dice gradients cancel most), ≤ 3e-4 elsewhere; a
    // wrong kernel is off by the gradients' own size.
    gradients[0].forEach((cpu, i) => {
      const scale = Math.max(...cpu.map(Math.abs));
      const maxDiff = Math.max(...cpu.map((v, k) => Math.abs(v - gradients[1][i][k])));
      expect(maxDiff, weights[i].name).toBeLessThanOrEqual(1e-2 * scale + 1e-7);
    });
    tf.dispose([x, y]);
    model.dispose();
  });
});
