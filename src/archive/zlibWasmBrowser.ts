/// <reference types="vite/client" />
// Browser only: loads zlib's WASM build (src/archive/zlibWasm.ts) from the app's own origin (a Vite asset,
// precached by the service worker, allowed by the CSP's 'wasm-unsafe-eval'), once per thread. If it
// cannot load, inflation stays on zlib's JS port: slower, same bytes — said once on the console.
import zlibWasmUrl from '@zip.js/zip.js/dist/zip-module.wasm?url';
import { installZlibWasm, type ZlibWasmExports } from './zlibWasm';

let loading: Promise<boolean> | null = null;

/** Resolves true once zlib's WASM build inflates in this thread, false if it fell back to JS. */
export function loadZlibWasm(): Promise<boolean> {
  loading ??= instantiate().then(
    (exports) => {
      installZlibWasm(exports);
      return true;
    },
    (error: unknown) => {
      console.warn('zlib WASM could not be loaded; zip entries are inflated in JS (slower):', error);
      return false;
    },
  );
  return loading;
}

async function instantiate(): Promise<ZlibWasmExports> {
  const response = fetch(zlibWasmUrl);
  try {
    const { instance } = await WebAssembly.instantiateStreaming(response);
    return instance.exports as unknown as ZlibWasmExports;
  } catch {
    // A server without the application/wasm type: compile from the bytes instead.
    const bytes = await (await fetch(zlibWasmUrl)).arrayBuffer();
    const { instance } = await WebAssembly.instantiate(bytes);
    return instance.exports as unknown as ZlibWasmExports;
  }
}
