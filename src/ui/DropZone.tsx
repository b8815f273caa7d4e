// Where data comes in: drag-and-drop of folders/files/zips, a folder picker and a file picker. The
// pickers are real buttons (reachable by Tab, started by Enter or Space) that open hidden file inputs.
import { useRef, useState, type DragEvent } from 'react';
import { useIngestStore } from '../state/ingestStore';
import { filesFromDataTransfer, filesFromInput } from './collectDrop';

export function DropZone() {
  const ingest = useIngestStore((s) => s.ingest);
  const [over, setOver] = useState(false);
  const folder = useRef<HTMLInputElement>(null);
  const files = useRef<HTMLInputElement>(null);

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    await ingest(await filesFromDataTransfer(e.dataTransfer));
  };

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
    >
      <p>Drop CT scans here: 3D-IRCADb folders or zips, DICOM series (any file names), NIfTI volumes (.nii, .nii.gz)</p>
      <div className="pickers">
        <button type="button" onClick={() => folder.current?.click()}>
          Choose a folder…
        </button>
        <input
          ref={folder}
          type="file"
          data-testid="folder-input"
          // @ts-expect-error non-standard but supported by every browser this app targets
          webkitdirectory=""
          multiple
          hidden
          tabIndex={-1}
          onChange={(e) => void filesFromInput(e.currentTarget.files).then(ingest)}
        />
        <button type="button" onClick={() => files.current?.click()}>
          Choose files or zips…
        </button>
        <input
          ref={files}
          type="file"
          data-testid="file-input"
          multiple
          accept=".zip,application/zip,application/dicom,.nii,.gz,*"
          hidden
          tabIndex={-1}
          onChange={(e) => void filesFromInput(e.currentTarget.files).then(ingest)}
        />
      </div>
    </div>
  );
}
