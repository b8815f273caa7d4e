// "Open segmentation…": pick or drop a DICOM SEG or NIfTI (e.g. an export from here or another
// tool) to see it as the prediction overlay of the patient on screen; a file that does not match
// the patient is refused with a message naming the file and the mismatch. Layout only.
import { useState, type DragEvent } from 'react';
import { useViewerStore } from '../../state/viewerStore';
import { openSegmentationFile } from '../../state/openSegmentation';
import { SegmentationFileInput } from './SegmentationFileInput';

export function OpenSegmentation() {
  const opened = useViewerStore((s) => s.opened);
  const [dragging, setDragging] = useState(false);
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void openSegmentationFile(file);
  };
  return (
    <div
      className={dragging ? 'open-segmentation dragging' : 'open-segmentation'}
      data-testid="open-segmentation"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <SegmentationFileInput label="Open segmentation…" hint="(DICOM SEG or NIfTI, or drop it here)" ariaLabel="Open segmentation" onFile={(file) => void openSegmentationFile(file)} />
      {opened && (
        <p className={opened.ok ? 'muted' : 'error'} role={opened.ok ? 'status' : 'alert'} data-testid="opened-segmentation">
          {opened.message}
        </p>
      )}
    </div>
  );
}
