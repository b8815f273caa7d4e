// What is under the cursor, as a PACS shows it in the corner of the image: the voxel (column, row,
// slice), its centre in mm and its value — HU on the original files, the stored grey level on the
// cached images. Reads the store; hidden while the cursor is off the image.
import { useViewerStore } from '../../state/viewerStore';

export function ProbeReadout() {
  const probe = useViewerStore((s) => s.probe);
  const hu = useViewerStore((s) => s.volume?.kind === 'hu');
  if (!probe) return null;
  const [x, y, z] = probe.position;
  return (
    <div
      className="probe-readout"
      data-testid="probe-readout"
      data-value={probe.value}
      data-voxel={`${probe.column},${probe.row},${probe.slice}`}
      data-position={probe.position.map((v) => v.toFixed(2)).join(',')}
      aria-hidden="true"
    >
      <span>
        x {probe.column} y {probe.row} z {probe.slice + 1}
      </span>
      <span>
        {x.toFixed(1)}, {y.toFixed(1)}, {z.toFixed(1)} mm
      </span>
      <strong>{hu ? `${probe.value} HU` : `grey ${probe.value}`}</strong>
    </div>
  );
}
