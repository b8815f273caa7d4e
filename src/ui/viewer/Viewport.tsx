// The viewport: hosts one viewer (src/viewer facade) for the store's volume, wires its slice and
// window events into the store, and turns keyboard shortcuts into store actions. Each viewer gets
// a fresh child element, so a viewer being torn down never shares DOM with the next one. The layout
// says which viewer: one axial stack, or MPR (axial, coronal, sagittal with crosshairs), whose views
// share the area by the volume's proportions (mprLayout). Beside it, the slice scrollbar; over it,
// the value under the cursor.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { commandForKey, editCommandForKey, createMprViewer, createViewer, mprLayout, type MprLayout, type ViewerCommand, type ViewerHandle } from '../../viewer';
import { useViewerStore } from '../../state/viewerStore';
import { useLabelStore } from '../../state/labelStore';
import { ProbeReadout } from './ProbeReadout';
import { SliceScrollbar } from './SliceScrollbar';

/** The MPR views never take more than this share of the window's height. */
const MPR_MAX_HEIGHT = 0.72;

export function Viewport() {
  const volume = useViewerStore((s) => s.volume);
  const mpr = useViewerStore((s) => s.layout === 'mpr');
  const container = useRef<HTMLDivElement>(null);
  const layout = useMprLayout(container, mpr);

  useEffect(() => {
    const parent = container.current;
    if (!volume || !parent) return;
    const host = document.createElement('div');
    host.className = 'viewer-canvas-host';
    host.dataset.testid = 'viewer-canvas-host';
    parent.appendChild(host);
    let handle: ViewerHandle | null = null;
    let cancelled = false;
    const started = performance.now();
    const store = useViewerStore.getState();
    (mpr ? createMprViewer : createViewer)(host, volume, { slice: store.slice })
      .then((h) => {
        if (cancelled) return h.destroy();
        handle = h;
        h.onSliceChange((i) => useViewerStore.getState().sliceShown(i));
        h.onWindowChange((w) => useViewerStore.getState().windowShown(w));
        useViewerStore.getState().attach(h);
        host.dataset.firstImageMs = String(Math.round(performance.now() - started));
      })
      .catch((e: unknown) => {
        console.error('viewer failed to start', e instanceof Error ? e.stack : e);
        if (!cancelled) useViewerStore.setState({ status: 'error', error: `viewer: ${e instanceof Error ? e.message : String(e)}` });
      });
    return () => {
      cancelled = true;
      if (handle) {
        useViewerStore.getState().attach(null);
        try {
          handle.destroy();
        } catch (e) {
          console.error('viewer did not close cleanly', e);
        }
      }
      host.remove();
    };
  }, [volume, mpr]);

  useEffect(() => {
    const host = container.current?.querySelector<HTMLElement>('.viewer-canvas-host');
    if (!host) return;
    host.style.gridTemplateAreas = layout?.areas ?? '';
    host.style.gridTemplateColumns = layout?.columns ?? '';
    host.style.gridTemplateRows = layout?.rows ?? '';
  });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const labels = useLabelStore.getState();
    const edit = labels.editing ? editCommandForKey(e.key, e.ctrlKey || e.metaKey, e.shiftKey) : null;
    if (edit) {
      e.preventDefault();
      if (edit.kind === 'undo') labels.undo();
      else if (edit.kind === 'redo') labels.redo();
      else if (edit.kind === 'brushSize') labels.setBrushSize(Math.max(1, Math.min(60, labels.brushSize + edit.by)));
      else labels.setTool(edit.tool);
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const command = commandForKey(e.key);
    if (!command) return;
    e.preventDefault();
    run(command);
  };

  return (
    <div className="viewer-stage">
      <div
        ref={container}
        className={mpr ? 'viewer-viewport mpr' : 'viewer-viewport'}
        style={mpr && layout ? { height: layout.height, aspectRatio: 'auto' } : undefined}
        data-testid="viewer-viewport"
        data-mpr-arrangement={mpr ? layout?.arrangement : undefined}
        tabIndex={0}
        role="application"
        aria-label="CT slice viewer (press ? for shortcuts)"
        onKeyDown={onKeyDown}
        onPointerDown={() => container.current?.focus({ preventScroll: true })}
      />
      <ProbeReadout />
      <SliceScrollbar />
    </div>
  );
}

/** The MPR arrangement for the container's width, kept up to date as it resizes. */
function useMprLayout(container: React.RefObject<HTMLDivElement | null>, mpr: boolean): MprLayout | null {
  const volume = useViewerStore((s) => s.volume);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = container.current;
    if (!el || !mpr) return;
    // A ResizeObserver reports the element's size once on observe, then on every change.
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [container, mpr]);
  if (!mpr || !volume || width === 0) return null;
  return mprLayout(volume, width, Math.max(240, window.innerHeight * MPR_MAX_HEIGHT));
}

function run(command: ViewerCommand): void {
  const s = useViewerStore.getState();
  const last = (s.volume?.slices ?? 1) - 1;
  switch (command.kind) {
    case 'step':
      return s.stepSlice(command.by);
    case 'first':
      return s.goToSlice(0);
    case 'last':
      return s.goToSlice(last);
    case 'reset':
      return s.reset();
    case 'invert':
      return s.invert();
    case 'preset':
      return s.applyPreset(command.name);
    case 'overlay':
      return s.toggleOverlay(command.overlay);
    case 'tool':
      return s.setTool(command.tool);
    case 'help':
      return s.toggleHelp();
  }
}
