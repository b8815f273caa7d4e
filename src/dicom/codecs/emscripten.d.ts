// Types for the Emscripten builds of Cornerstone's codecs (the packages ship none): a factory that
// instantiates the WASM module, and the embind decoder classes LiverLab calls.
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  import type { EmscriptenFactory } from './emscriptenTypes';
  const factory: EmscriptenFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  import type { EmscriptenFactory } from './emscriptenTypes';
  const factory: EmscriptenFactory;
  export default factory;
}
