// onnxruntime-web for the infer worker, loaded on first use: its WebGPU build (which also runs the
// WASM execution provider), with its one .wasm binary served by the app itself (a Vite asset,
// precached by the service worker), so no request leaves the origin and the CSP stays 'self'. WebGPU
// is tried first on a hardware adapter; a software one (SwiftShader) is skipped for WASM, as for
// tfjs (model/backends.ts), unless asked for. Browser only.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { InferenceSession } from 'onnxruntime-common';
import { SOFTWARE_RENDERER } from '../model/backends';
import type { OnnxRuntime } from '../model/onnxModel';

export type OnnxBackend = 'onnx-webgpu' | 'onnx-wasm';

export interface OnnxWebRuntime {
  runtime: OnnxRuntime;
  /** The execution providers to try, best first, each with the backend name it gives. */
  choices: { backend: OnnxBackend; providers: InferenceSession.SessionOptions['executionProviders'] }[];
  /** Why WebGPU is not tried, when it is not. */
  skipped: string | null;
}

let loading: Promise<OnnxRuntime> | null = null;

async function loadRuntime(): Promise<OnnxRuntime> {
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
  // One thread, as every other WASM runtime of the app's workers: ORT's own threads (its pthread
  // workers, possible now that the page is cross-origin isolated) are not what the app is tested with.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return ort as unknown as OnnxRuntime;
}

async function webGpuProblem(allowSoftware: boolean): Promise<string | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return 'no navigator.gpu (WebGPU not exposed here)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no WebGPU adapter';
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  if (!allowSoftware && (info?.isFallbackAdapter || SOFTWARE_RENDERER.test(name))) return `the only WebGPU adapter is a software one (${name || 'fallback adapter'}): WASM is faster on this CPU`;
  return null;
}

/** The runtime and the execution providers to try; `preferWebGpu` uses a software WebGPU adapter too. */
export async function onnxWebRuntime(preferWebGpu = false): Promise<OnnxWebRuntime> {
  loading ??= loadRuntime();
  const runtime = await loading;
  const skipped = await webGpuProblem(preferWebGpu);
  const wasm = { backend: 'onnx-wasm' as const, providers: ['wasm'] };
  return { runtime, skipped, choices: skipped ? [wasm] : [{ backend: 'onnx-webgpu', providers: ['webgpu'] }, wasm] };
}
