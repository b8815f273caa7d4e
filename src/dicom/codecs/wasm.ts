// Instantiates one of Cornerstone's Emscripten codec builds (CharLS, OpenJPEG) once per thread.
// In the browser the .wasm is a Vite asset of the app (./wasmUrls, loaded only there): fetched from
// the app's own origin, never a CDN, so it works offline and under the CSP. In Node (CLI, unit tests)
// the factory is a CommonJS module and reads the .wasm next to itself from node_modules.
import type { EmscriptenFactory, EmscriptenOptions } from './emscriptenTypes';

export type WasmName = 'charls' | 'openjpeg';

/** Messages the module printed (OpenJPEG reports errors on stderr instead of throwing). */
export interface CodecLog {
  lines: string[];
}

export interface LoadedModule<M> {
  module: M;
  log: CodecLog;
}

export async function instantiate<M>(name: WasmName, factoryModule: unknown): Promise<LoadedModule<M>> {
  const factory = factoryOf(factoryModule, name);
  const log: CodecLog = { lines: [] };
  const keep = (text: string) => {
    log.lines.push(text);
    if (log.lines.length > 20) log.lines.shift();
  };
  const options: EmscriptenOptions = { print: keep, printErr: keep };
  if (!isNode()) {
    const { WASM_URLS } = await import('./wasmUrls');
    const url = WASM_URLS[name];
    options.locateFile = (file) => (file.endsWith('.wasm') ? url : file);
  }
  const module = (await factory(options)) as M;
  return { module, log };
}

/** CommonJS through ESM interop arrives as the function, `{ default: fn }`, or `{ default: { default: fn } }`. */
function factoryOf(imported: unknown, name: string): EmscriptenFactory {
  let candidate = imported;
  for (let i = 0; i < 3 && typeof candidate !== 'function'; i++) {
    candidate = (candidate as { default?: unknown } | null)?.default;
  }
  if (typeof candidate !== 'function') throw new Error(`the ${name} codec module has no factory function`);
  return candidate as EmscriptenFactory;
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}
