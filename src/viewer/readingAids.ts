// A viewport's reading aids, the same for the stack and each MPR view: the voxel under the cursor
// (indices, mm and value: probe.ts) reported as the mouse moves, and the orientation letters at the
// edges, kept in step with the camera (orientation.ts). Uses only the viewport's canvas ↔ world maps.
import { Enums, type Types } from '@cornerstonejs/core';
import { createListeners } from './listeners';
import { probeAt } from './probe';
import { createOrientationMarkers } from './orientation';
import type { ProbeReading, Unsubscribe, ViewerVolume } from './types';

export interface ReadingAids {
  onProbe(listener: (reading: ProbeReading | null) => void): Unsubscribe;
  destroy(): void;
}

export function attachReadingAids(element: HTMLDivElement, viewport: () => Types.IViewport | undefined, volume: ViewerVolume, listeners = createListeners<ProbeReading | null>()): ReadingAids {
  const markers = createOrientationMarkers(element);
  const updateMarkers = () => {
    const vp = viewport();
    const focal = vp?.getCamera().focalPoint;
    if (!vp || !focal) return;
    const at = vp.worldToCanvas(focal);
    const axes = [0, 1, 2].map((a) => {
      const p = [...focal] as Types.Point3;
      p[a] += 1;
      const q = vp.worldToCanvas(p);
      return [q[0] - at[0], q[1] - at[1]] as const;
    });
    markers.update(axes);
  };
  const onMove = (e: MouseEvent) => {
    const vp = viewport();
    if (!vp) return;
    const box = element.getBoundingClientRect();
    const world = vp.canvasToWorld([e.clientX - box.left, e.clientY - box.top]);
    listeners.emit(probeAt(volume, world));
  };
  const onLeave = () => listeners.emit(null);
  element.addEventListener('mousemove', onMove);
  element.addEventListener('mouseleave', onLeave);
  element.addEventListener(Enums.Events.CAMERA_MODIFIED, updateMarkers);
  element.addEventListener(Enums.Events.IMAGE_RENDERED, updateMarkers);
  return {
    onProbe: (listener) => listeners.add(listener),
    destroy() {
      element.removeEventListener('mousemove', onMove);
      element.removeEventListener('mouseleave', onLeave);
      element.removeEventListener(Enums.Events.CAMERA_MODIFIED, updateMarkers);
      element.removeEventListener(Enums.Events.IMAGE_RENDERED, updateMarkers);
      markers.destroy();
    },
  };
}
