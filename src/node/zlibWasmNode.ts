// Node (CLI, unit tests, benchmarks): installs zlib's WASM build (src/archive/zlibWasm.ts) from the
// installed @zip.js/zip.js package, so Node runs the same inflater as the browser workers.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { installZlibWasm, type ZlibWasmExports } from '../archive/zlibWasm';

export async function loadZlibWasmNode(): Promise<void> {
  const file = createRequire(import.meta.url).resolve('@zip.js/zip.js/dist/zip-module.wasm');
  const { instance } = await WebAssembly.instantiate(await readFile(file));
  installZlibWasm(instance.exports as unknown as ZlibWasmExports);
}
