// Picks the fastest tfjs backend that can train here: WebGPU → WebGL → WASM → CPU, saying why each
// faster one was skipped so the UI can show it. Backend packages are imported lazily, so Node and
// workers load only the backends they try; the WASM backend gets our training kernels
// (model/wasmKernels.ts) before it is used. Pure tfjs plus feature detection: no DOM beyond
// probing navigator.gpu and a WebGL context, no IndexedDB; runs in Node, workers and the tab.
// Must never throw for a backend that is merely missing or broken: it is skipped with its reason
// (only if even the CPU backend cannot load does chooseBackend throw).
import * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

export interface BackendChoice {
  backend: BackendName;
  skipped: SkippedBackend[];
}

/** Fastest first. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

const wasmSettings: { paths?: WasmPaths } = {};

/**
 * Where the app serves the .wasm binaries (a URL prefix ending in '/', or a map by file name).
 * Call before chooseBackend. Not needed in Node: the package finds its own dist/ folder.
 */
export function setWasmPaths(paths: WasmPaths): void {
  wasmSettings.paths = paths;
}

export function isNode(): boolean {
  const runtime = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof runtime?.versions?.node === 'string';
}

function message(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/**
 * tf.setBackend only logs why a backend failed to initialise; run it with the factory wrapped so
 * the error comes back as a value.
 */
async function activate(name: BackendName): Promise<string | null> {
  // Not tf.findBackend: for a registered but uninitialised backend it starts an initialisation of
  // its own, which setBackend then repeats. For WebGPU that made two devices, and the discarded
  // one's backend, once garbage-collected, took the device with it ('destroyed', seen mid-run).
  if (name in tf.engine().registry) return (await tf.setBackend(name)) ? null : `${name} is registered but could not be selected`;
  const entry = tf.engine().registryFactory[name];
  if (!entry) return `${name} backend package registered no factory`;
  const factory = entry.factory;
  let failure: unknown = null;
  entry.factory = async () => {
    try {
      return await factory();
    } catch (error) {
      failure = error;
      throw error;
    }
  };
  try {
    if (await tf.setBackend(name)) return null;
    return failure === null ? `${name} failed to initialise` : message(failure);
  } finally {
    entry.factory = factory;
  }
}

/** A software GPU (SwiftShader, llvmpipe…) emulates the GPU on the CPU: slower than WASM for training. */
export const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

async function tryWebGpu(allowSoftware: boolean): Promise<string | null> {
  if (isNode()) return 'not available in Node';
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return 'no navigator.gpu (WebGPU not exposed by this browser or context)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no WebGPU adapter';
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  if (!allowSoftware && (info?.isFallbackAdapter || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter || SOFTWARE_RENDERER.test(name))) {
    return `the only WebGPU adapter is a software one (${name || 'fallback adapter'}): on this CPU WASM trains faster; choose WebGPU to use it anyway`;
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  return activate('webgpu');
}

/** The WebGL renderer's name, or null when no context can be created. */
function webGlRenderer(): string | null {
  try {
    const canvas: OffscreenCanvas | HTMLCanvasElement | null = typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1)
      : typeof document !== 'undefined' ? document.createElement('canvas') : null;
    if (!canvas) return null;
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  } catch {
    return null;
  }
}

async function tryWebGl(allowSoftware: boolean): Promise<string | null> {
  if (isNode()) return 'not available in Node';
  const renderer = webGlRenderer();
  if (renderer === null) return 'WebGL context creation failed';
  if (!allowSoftware && SOFTWARE_RENDERER.test(renderer)) {
    return `WebGL renders in software (${renderer}): on this CPU WASM trains faster; choose WebGL to use it anyway`;
  }
  await import('@tensorflow/tfjs-backend-webgl');
  return activate('webgl');
}

async function tryWasm(): Promise<string | null> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasmSettings.paths !== undefined) wasm.setWasmPaths(wasmSettings.paths);
    // Always the single-threaded SIMD build, even in a cross-origin-isolated page: tfjs's threaded
    // build spawns Emscripten pthread workers that do not survive bundling (the failure other Vite
    // apps report), and on a small machine splitting the batch over our own threads is faster
    // (model/dataParallel.ts; session 9 measured XNNPACK's threads slower on 2 cores).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const { registerWasmTrainingKernels } = await import('./wasmKernels');
    registerWasmTrainingKernels();
    const failure = await activate('wasm');
    return failure === null ? null : `WASM failed to load: ${failure}`;
  } catch (error) {
    return `WASM failed to load: ${message(error)}`;
  }
}

async function tryCpu(): Promise<string | null> {
  await import('@tensorflow/tfjs-backend-cpu');
  return activate('cpu');
}

const attempts: Record<BackendName, (allowSoftware: boolean) => Promise<string | null>> = {
  webgpu: tryWebGpu, webgl: tryWebGl, wasm: tryWasm, cpu: tryCpu,
};

/**
 * Selects the first backend that initialises, starting at `preferred` (default: the fastest)
 * and falling back down BACKEND_ORDER. Returns the one chosen and why each earlier one was skipped.
 * Without a preference, a software GPU (SwiftShader on a machine with no GPU) is skipped: it is
 * a CPU emulating a GPU, far slower than WASM. Asked for by name, it is used.
 * `startAt` (used after a backend failed mid-run) starts the automatic choice further down the
 * order: software GPUs are skipped there too, as in the automatic choice.
 */
export async function chooseBackend(preferred?: BackendName, startAt?: BackendName): Promise<BackendChoice> {
  const first = preferred ?? startAt;
  const start = first === undefined ? 0 : BACKEND_ORDER.indexOf(first);
  const skipped: SkippedBackend[] = [];
  for (const backend of BACKEND_ORDER.slice(Math.max(0, start))) {
    const reason = await attempts[backend](preferred === backend).catch((error: unknown) => message(error));
    if (reason === null) return { backend, skipped };
    skipped.push({ backend, reason });
  }
  throw new Error(`no tfjs backend could be initialised: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
