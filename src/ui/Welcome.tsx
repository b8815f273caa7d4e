// First screen: what the app does, how to give it data, and the demo button for newcomers.
import { useIngestStore } from '../state/ingestStore';
import { DropZone } from './DropZone';

export function Welcome() {
  const loadDemo = useIngestStore((s) => s.loadDemo);
  return (
    <section className="welcome" aria-label="Welcome">
      <h2>Segment the liver in CT, without uploading anything</h2>
      <ol className="steps">
        <li>
          <b>Load data.</b> Drag in folders of the public 3D-IRCADb-01 dataset: one patient
          (<code>3Dircadb1.17</code>), several, or the whole dataset root, unzipped or as the official{' '}
          <code>PATIENT_DICOM.zip</code> / <code>MASKS_DICOM.zip</code>.
        </li>
        <li>
          <b>Preprocess.</b> HU, window W500/L150, CLAHE, the liver's slice range: in Web Workers, cached in
          this browser.
        </li>
        <li>
          <b>Train</b> a UNet in this tab (WebGPU when available) and <b>view</b> its prediction against the expert's
          mask.
        </li>
      </ol>
      <div className="welcome-actions">
        <button className="primary" data-next-target="load" onClick={() => void loadDemo()}>
          Try the demo dataset
        </button>
        <span className="hint">three synthetic phantom patients, generated in your browser</span>
      </div>
      <DropZone />
    </section>
  );
}
