// Measurements on a stack viewport with Cornerstone3D's own annotation tools: LengthTool (mm, from
// the slices' pixel spacing) and EllipticalROITool (area in mm², mean and standard deviation of the
// pixel values inside: HU on 'hu' volumes, grey levels on cached ones). Cornerstone draws them and
// their labels on the viewport's SVG layer and keeps them in its annotation state, per frame of
// reference (each viewer has its own); this module reads them back as plain Measurement values
// whenever one is added, changed or removed, and removes them all when the viewer goes.
import { eventTarget, getRenderingEngine } from '@cornerstonejs/core';
import { annotation as annotations, Enums, EllipticalROITool, LengthTool } from '@cornerstonejs/tools';
import { createListeners } from './listeners';
import type { Measurement, Unsubscribe } from './types';

const TOOLS = { length: LengthTool.toolName, ellipse: EllipticalROITool.toolName } as const;
const EVENTS = [Enums.Events.ANNOTATION_COMPLETED, Enums.Events.ANNOTATION_MODIFIED, Enums.Events.ANNOTATION_REMOVED];

export interface MeasurementSet {
  list(): Measurement[];
  onChange(listener: (measurements: Measurement[]) => void): Unsubscribe;
  remove(id: string): void;
  clear(): void;
  destroy(): void;
}

/** Slice index of a `liverlab:<volume>/<slice>` imageId. */
function sliceOf(imageId: string | undefined): number | null {
  const m = imageId ? /\/(\d+)$/.exec(imageId) : null;
  return m ? Number(m[1]) : null;
}

export function createMeasurements(element: HTMLDivElement, viewportRef: { renderingEngineId: string; viewportId: string }, unit: string): MeasurementSet {
  const listeners = createListeners<Measurement[]>();
  const read = (): Measurement[] => {
    const out: Measurement[] = [];
    for (const [kind, toolName] of Object.entries(TOOLS) as ['length' | 'ellipse', string][]) {
      for (const a of annotations.state.getAnnotations(toolName, element) ?? []) {
        const stats = Object.values((a.data as { cachedStats?: Record<string, Record<string, unknown>> }).cachedStats ?? {})[0] ?? {};
        const num = (k: string) => (typeof stats[k] === 'number' && Number.isFinite(stats[k]) ? (stats[k] as number) : undefined);
        out.push({
          id: a.annotationUID!,
          kind,
          slice: sliceOf(a.metadata?.referencedImageId),
          ...(kind === 'length' ? { lengthMm: num('length') } : { areaMm2: num('area'), mean: num('mean'), stdDev: num('stdDev') }),
          unit,
        });
      }
    }
    return out;
  };
  let pending = false;
  // Any annotation event re-reads this viewer's few measurements (a removal's event names no viewport).
  const changed = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      listeners.emit(read());
    });
  };
  for (const type of EVENTS) eventTarget.addEventListener(type, changed);
  const render = () => getRenderingEngine(viewportRef.renderingEngineId)?.getViewport(viewportRef.viewportId)?.render();
  const removeAll = () => {
    for (const toolName of Object.values(TOOLS)) annotations.state.removeAnnotations(toolName, element);
  };
  return {
    list: read,
    onChange: (listener) => listeners.add(listener),
    remove(id) {
      annotations.state.removeAnnotation(id);
      render();
      listeners.emit(read());
    },
    clear() {
      removeAll();
      render();
      listeners.emit(read());
    },
    destroy() {
      for (const type of EVENTS) eventTarget.removeEventListener(type, changed);
      listeners.clear();
      removeAll();
    },
  };
}
