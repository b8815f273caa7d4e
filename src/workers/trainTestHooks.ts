// Test hook of the training worker, so e2e tests can make real faults happen mid-run. Installed
// only when the page runs under browser automation (navigator.webdriver, which Playwright and
// other WebDriver clients set; a person's browser never does), and then it only listens: nothing
// changes until a test sends a hook message. A test reaches it from inside the worker
// (Playwright: page.workers() → worker.evaluate), dispatching on the worker's global scope:
//
//   self.dispatchEvent(new MessageEvent('message', { data: { liverlabTestHook: 'destroy-webgpu-device' } }))
//
// 'destroy-webgpu-device' calls destroy() on the GPUDevice of tfjs's WebGPU backend, which makes
// the browser resolve device.lost with reason 'destroyed': the same path a real GPU reset takes.
// comlink ignores these messages (they carry no comlink message type).
import * as tf from '@tensorflow/tfjs-core';

export const TEST_HOOK_KEY = 'liverlabTestHook';

export type TrainTestHook = 'destroy-webgpu-device';

let installed = false;

export function installTrainTestHooks(): void {
  if (installed) return;
  installed = true;
  self.addEventListener('message', (event: MessageEvent) => {
    const hook = (event.data as Record<string, unknown> | null)?.[TEST_HOOK_KEY] as TrainTestHook | undefined;
    if (hook !== 'destroy-webgpu-device') return;
    if (tf.getBackend() !== 'webgpu') {
      console.warn(`test hook ${hook}: the backend is ${tf.getBackend()}, not webgpu`);
      return;
    }
    (tf.backend() as unknown as { device: GPUDevice }).device.destroy();
  });
}

/** Whether this page runs under browser automation (the only case the hooks are installed in). */
export function automated(): boolean {
  return typeof navigator !== 'undefined' && navigator.webdriver === true;
}
