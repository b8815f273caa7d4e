// Orientation markers: the patient direction at each edge of a view (R/L, A/P, S/I), found from where
// the world's axes point on the canvas, so they follow the view (axial, coronal, sagittal) and any
// flip or rotation of its camera. The world is LPS (+x left, +y posterior, +z superior): the volume's
// direction, identity for every LiverLab volume (3D-IRCADb's headers say the same). `markersFromAxes`
// is pure; `createOrientationMarkers` puts four letters on a viewport element.

const POSITIVE = ['L', 'P', 'S'] as const;
const NEGATIVE = ['R', 'A', 'I'] as const;

export interface EdgeMarkers {
  top: string;
  bottom: string;
  left: string;
  right: string;
}

/** `axes[a]` = where a 1 mm step along world axis a moves on the canvas ([dx, dy], y down). */
export function markersFromAxes(axes: readonly (readonly [number, number])[]): EdgeMarkers {
  const along = (c: 0 | 1) => {
    let best = 0;
    for (let a = 1; a < 3; a++) if (Math.abs(axes[a][c]) > Math.abs(axes[best][c])) best = a;
    const positive = axes[best][c] > 0;
    return { forward: positive ? POSITIVE[best] : NEGATIVE[best], backward: positive ? NEGATIVE[best] : POSITIVE[best] };
  };
  const x = along(0);
  const y = along(1);
  return { right: x.forward, left: x.backward, bottom: y.forward, top: y.backward };
}

/** Four letters at the edges of `element`; `update` is given the canvas step of each world axis. */
export function createOrientationMarkers(element: HTMLElement): { update(axes: readonly (readonly [number, number])[]): void; destroy(): void } {
  const layer = document.createElement('div');
  layer.className = 'orientation-markers';
  layer.setAttribute('aria-hidden', 'true');
  const spans = Object.fromEntries(
    (['top', 'bottom', 'left', 'right'] as const).map((edge) => {
      const span = document.createElement('span');
      span.className = `orientation-marker ${edge}`;
      span.dataset.edge = edge;
      layer.appendChild(span);
      return [edge, span];
    }),
  ) as Record<keyof EdgeMarkers, HTMLSpanElement>;
  element.appendChild(layer);
  return {
    update(axes) {
      const m = markersFromAxes(axes);
      for (const edge of Object.keys(spans) as (keyof EdgeMarkers)[]) spans[edge].textContent = m[edge];
    },
    destroy: () => layer.remove(),
  };
}
