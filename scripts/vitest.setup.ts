// Every unit test file runs as the app's workers do: zip entries inflated by zlib's WASM build
// (src/archive/zlibWasm.ts), CLAHE in its WASM kernel (src/pipeline/clahe.ts). The JS fallbacks have
// their own cases (src/archive/zlibWasm.test.ts, src/pipeline/clahe.test.ts).
import { loadClaheKernel } from '../src/pipeline/claheKernel';
import { loadZlibWasmNode } from '../src/node/zlibWasmNode';

await Promise.all([loadZlibWasmNode(), loadClaheKernel()]);
