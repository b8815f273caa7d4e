// Where data comes in: drag-and-drop of folders/files/zips, a folder picker and a file picker.
import { useState, type DragEvent } from 'react';
import { useIngestStore } from '../state/ingestStore';
import { filesFromDataTransfer, filesFromInput } from './collectDrop';

export function DropZone() {
  const ingest = useIngestStore((s) => s.ingest);
  const [over, setOver] = useState(false);

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
        <label className="button">
          Choose a folder…
          <input
            type="file"
            data-testid="folder-input"
            // @ts-expect-error non-standard but supported by every browser this app targets
            webkitdirectory=""
            multiple
            hidden
            onChange={(e) => void filesFromInput(e.currentTarget.files).then(ingest)}
          />
        </label>
        <label className="button">
          Choose files or zips…
          <input
            type="file"
            data-testid="file-input"
            multiple
            accept=".zip,application/zip,application/dicom,.nii,.gz,*"
            hidden
            onChange={(e) => void filesFromInput(e.currentTarget.files).then(ingest)}
          />
        </label>
      </div>
    </div>
  );
}
