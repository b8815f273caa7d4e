// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- dcmjs ships no types (see export/dcmjs.d.ts)
/// <reference path="../export/dcmjs.d.ts" />
// A DICOMDIR as a CD or PACS export writes it: one IMAGE directory record per file, its Referenced File
// ID the path components under the DICOMDIR's folder. Written with dcmjs, for tests only.
import dcmjs from 'dcmjs';

const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

export function writeDicomDir(files: string[]): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: MEDIA_STORAGE_DIRECTORY,
    MediaStorageSOPInstanceUID: '1.2.826.0.1.3680043.99.77',
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '1.2.826.0.1.3680043.99.78',
  };
  const dataset = {
    FileSetID: 'LIVERLAB',
    DirectoryRecordSequence: files.map((file) => ({ DirectoryRecordType: 'IMAGE', ReferencedFileID: file.split('/') })),
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}
