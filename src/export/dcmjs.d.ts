// The few parts of dcmjs (which ships no types) that LiverLab uses: its data model, to write and
// read DICOM SEG. Types only.
declare module 'dcmjs' {
  type Naturalized = Record<string, unknown>;
  interface DicomDictInstance {
    dict: Record<string, { vr: string; Value: unknown[] }>;
    meta: Record<string, { vr: string; Value: unknown[] }>;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDictInstance };
      DicomMetaDictionary: {
        denaturalizeDataset(dataset: Naturalized): Record<string, { vr: string; Value: unknown[] }>;
        naturalizeDataset(dict: Record<string, { vr: string; Value: unknown[] }>): Naturalized;
        uid(): string;
      };
    };
  };
  export default dcmjs;
}
