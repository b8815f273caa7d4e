// Instantiates the CLAHE kernel (pipeline/kernels/clahe.as.ts, compiled into kernels/claheWasm.ts) and
// installs it for pipeline/clahe.ts, once per thread: the preprocessing workers, the CLI and the unit
// tests call this before their first slice. Without WASM SIMD (or if it cannot compile) CLAHE stays in
// JS: slower, the same bytes — said once on the console.
// Pure: atob and WebAssembly exist in browsers, workers and Node.
import { installClaheKernel, type ClaheKernelExports } from './clahe';
import { CLAHE_WASM_BASE64 } from './kernels/claheWasm';

let compiled: Promise<ClaheKernelExports | null> | null = null;

/** Resolves true once CLAHE runs in the kernel in this thread (compiled once), false if it stays in JS. */
export async function loadClaheKernel(): Promise<boolean> {
  compiled ??= instantiate().catch((error: unknown) => {
    console.warn('The CLAHE WASM kernel could not be compiled; CLAHE runs in JS (slower):', error);
    return null;
  });
  const exports = await compiled;
  if (exports) installClaheKernel(exports);
  return exports !== null;
}

async function instantiate(): Promise<ClaheKernelExports> {
  const bytes = Uint8Array.from(atob(CLAHE_WASM_BASE64), (c) => c.charCodeAt(0));
  const { instance } = await WebAssembly.instantiate(bytes);
  return instance.exports as unknown as ClaheKernelExports;
}
