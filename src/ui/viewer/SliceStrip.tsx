// A thin strip along the stack: one tick per slice whose height and colour give that slice's Dice
// (when a prediction exists) or its ground-truth area; the current slice is marked; a click jumps
// there. Reads precomputed stats from the store; computes nothing per pixel.
import type { MouseEvent } from 'react';
import { useViewerStore } from '../../state/viewerStore';

export function SliceStrip() {
  const stats = useViewerStore((s) => s.stats);
  const slice = useViewerStore((s) => s.slice);
  const hasPrediction = useViewerStore((s) => s.prediction !== null);
  const goToSlice = useViewerStore((s) => s.goToSlice);
  const n = stats.length;
  if (n === 0) return null;
  const maxArea = Math.max(1, ...stats.map((s) => s.truthArea));
  const onClick = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    goToSlice(Math.floor(((e.clientX - box.left) / box.width) * n));
  };
  return (
    <div className="slice-strip">
      <span className="muted">{hasPrediction ? 'Dice per slice' : 'Liver area per slice'}</span>
      <svg
        data-testid="slice-strip"
        data-mode={hasPrediction ? 'dice' : 'area'}
        role="img"
        aria-label={`${hasPrediction ? 'Dice' : 'ground-truth area'} of each of ${n} slices; click to jump to a slice`}
        viewBox={`0 0 ${n} 1`}
        preserveAspectRatio="none"
        onClick={onClick}
      >
        {stats.map((s, i) => {
          const value = hasPrediction ? s.dice : s.truthArea / maxArea;
          const label = hasPrediction
            ? `slice ${i + 1}: Dice ${s.dice === null ? '— (no liver in either)' : s.dice.toFixed(3)}`
            : `slice ${i + 1}: ${s.truthArea} liver pixels`;
          const h = value === null ? 0.08 : Math.max(0.08, value);
          return (
            <rect key={i} x={i + 0.1} width={0.8} y={1 - h} height={h} fill={tickColour(value, hasPrediction)} data-slice={i}>
              <title>{label}</title>
            </rect>
          );
        })}
        <rect x={slice} width={1} y={0} height={1} fill="none" stroke="#fff" strokeWidth={0.15} vectorEffect="non-scaling-stroke" data-testid="slice-strip-current" />
      </svg>
    </div>
  );
}

/** Dice: red (0) → yellow → green (1); area: grey → green; no value: dark grey. */
function tickColour(value: number | null, dice: boolean): string {
  if (value === null) return '#4a5562';
  if (!dice) return value === 0 ? '#4a5562' : `hsl(140 60% ${30 + value * 30}%)`;
  return `hsl(${Math.round(value * 120)} 75% 50%)`;
}
