// The few shapes of an Emscripten module (MODULARIZE build) that the codec wrappers rely on.
export interface EmscriptenOptions {
  locateFile?(file: string, scriptDirectory: string): string;
  print?(text: string): void;
  printErr?(text: string): void;
}

export type EmscriptenFactory = (options?: EmscriptenOptions) => Promise<object>;

export interface FrameInfoOut {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

/** The embind decoder classes of CharLS (JpegLSDecoder) and OpenJPEG (J2KDecoder) share this core. */
export interface EmbindDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfoOut;
  delete(): void;
}
