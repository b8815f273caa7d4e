// A file picker for a DICOM SEG or NIfTI segmentation of the patient on screen: the one input shape
// "Open segmentation…" (shown as the prediction) and "Open a label file…" (opened as a label) share.
import type { ReactNode } from 'react';

export function SegmentationFileInput({ label, hint, ariaLabel, onFile }: { label: string; hint: ReactNode; ariaLabel: string; onFile: (file: File) => void }) {
  return (
    <label>
      {label} <span className="muted">{hint}</span>
      <input
        type="file"
        aria-label={ariaLabel}
        accept=".dcm,.nii,.nii.gz,.gz,application/dicom"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = '';
        }}
      />
    </label>
  );
}
