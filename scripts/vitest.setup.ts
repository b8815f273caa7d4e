// Every unit test file inflates zip entries as the app's workers do: with zlib's WASM build installed
// (src/dicom/zlibWasm.ts). The JS fallback has its own cases in src/dicom/zlibWasm.test.ts.
import { loadZlibWasmNode } from '../src/cli/zlibWasmNode';

await loadZlibWasmNode();
