// In Node the fallback chain skips the browser backends with a reason and lands on WASM, with the
// training kernels registered; a WASM that cannot load falls back to CPU and says why.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, setWasmPaths } from './backends';

describe('chooseBackend in Node', () => {
  it('skips WebGPU and WebGL with a reason and picks WASM with the training kernels', async () => {
    const choice = await chooseBackend();
    expect(choice.backend).toBe('wasm');
    expect(choice.skipped).toEqual([
      { backend: 'webgpu', reason: 'not available in Node' },
      { backend: 'webgl', reason: 'not available in Node' },
    ]);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('starts at the preferred backend', async () => {
    expect(await chooseBackend('cpu')).toEqual({ backend: 'cpu', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect((await chooseBackend('wasm')).backend).toBe('wasm');
  });

  it('falls back to CPU when the WASM binary cannot be loaded, and says why', async () => {
    const factory = tf.findBackendFactory('wasm');
    tf.removeBackend('wasm'); // forget the working instance, then load the binary afresh from nowhere
    tf.registerBackend('wasm', factory, 2);
    setWasmPaths('/nowhere/');
    const choice = await chooseBackend('wasm');
    expect(choice.backend).toBe('cpu');
    expect(choice.skipped).toHaveLength(1);
    expect(choice.skipped[0].backend).toBe('wasm');
    expect(choice.skipped[0].reason).toMatch(/^WASM failed to load: /);
  });
});
