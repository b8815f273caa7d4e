// A scrollbar along the viewport's edge, as PACS viewers have: drag it, click it, or use the arrow
// keys on it to go through the slices; it follows the slice shown. Slice 1 at the top.
import { useViewerStore } from '../../state/viewerStore';

export function SliceScrollbar() {
  const slice = useViewerStore((s) => s.slice);
  const slices = useViewerStore((s) => s.volume?.slices ?? 0);
  const goToSlice = useViewerStore((s) => s.goToSlice);
  if (slices < 2) return null;
  return (
    <input
      type="range"
      className="slice-scrollbar"
      data-testid="slice-scrollbar"
      aria-label="Slice"
      aria-valuetext={`slice ${slice + 1} of ${slices}`}
      min={1}
      max={slices}
      step={1}
      value={slice + 1}
      onChange={(e) => goToSlice(Number(e.target.value) - 1)}
    />
  );
}
