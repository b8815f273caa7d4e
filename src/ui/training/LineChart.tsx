// A small SVG line chart for live training curves: a few series, auto-scaled axes, no library
// (a charting package would outweigh the app's own UI for two polylines). A screen reader hears the
// chart's title and, as its description, each series' latest value and its best.
import { useId } from 'react';

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

export function LineChart({ title, series, yRange, height = 160, xLabel }: { title: string; series: Series[]; yRange?: [number, number]; height?: number; xLabel: string }) {
  const width = 420;
  const pad = { l: 40, r: 10, t: 18, b: 24 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(1, ...xs);
  const [y0, y1] = yRange ?? [Math.min(0, ...ys), Math.max(1e-6, ...ys)];
  const sx = (x: number) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (width - pad.l - pad.r);
  const sy = (y: number) => height - pad.b - ((y - y0) / (y1 - y0 || 1)) * (height - pad.t - pad.b);
  const ticks = [y0, (y0 + y1) / 2, y1];
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
        <desc id={`${id}-desc`}>{describeSeries(series, xLabel)}</desc>
        <text x={pad.l} y={12} className="chart-title" id={`${id}-title`}>
          {title}
        </text>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={width - pad.r} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={pad.l - 4} y={sy(t) + 4} textAnchor="end" className="tick">
              {Math.abs(t) >= 10 ? t.toFixed(0) : t.toFixed(2)}
            </text>
          </g>
        ))}
        <text x={width - pad.r} y={height - 6} textAnchor="end" className="tick">
          {xLabel} {x1.toFixed(0)}
        </text>
        {series.map((s) =>
          s.points.length === 0 ? null : (
            <polyline
              key={s.name}
              fill="none"
              style={{ stroke: s.color }}
              strokeWidth={1.6}
              strokeDasharray={s.dashed ? '4 3' : undefined}
              points={s.points.filter((p) => Number.isFinite(p[1])).map(([x, y]) => `${sx(x).toFixed(1)},${sy(Math.max(y0, Math.min(y1, y))).toFixed(1)}`).join(' ')}
            />
          ),
        )}
      </svg>
      <figcaption>
        {series.map((s) => (
          <span key={s.name} className="legend">
            <i style={{ background: s.color }} /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** "train loss: 0.512 at step 64 (lowest 0.498); …" — what the chart shows, in words. */
function describeSeries(series: Series[], xLabel: string): string {
  const parts = series.map((s) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) return `${s.name}: no values yet`;
    const [x, y] = pts[pts.length - 1];
    const ys = pts.map((p) => p[1]);
    return `${s.name}: ${y.toFixed(3)} at ${xLabel} ${x} (range ${Math.min(...ys).toFixed(3)} to ${Math.max(...ys).toFixed(3)})`;
  });
  return parts.join('; ');
}
