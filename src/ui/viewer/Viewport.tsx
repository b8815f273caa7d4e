// The viewport: hosts one viewer (src/viewer facade) for the store's volume, wires its slice and
// window events into the store, and turns keyboard shortcuts into store actions. Each viewer gets
// a fresh child element, so a viewer being torn down never shares DOM with the next one. The layout
// says which viewer: one axial stack, or MPR (axial, coronal, sagittal with crosshairs).
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { commandForKey, createMprViewer, createViewer, type ViewerCommand, type ViewerHandle } from '../../viewer';
import { useViewerStore } from '../../state/viewerStore';

export function Viewport() {
  const volume = useViewerStore((s) => s.volume);
  const mpr = useViewerStore((s) => s.layout === 'mpr');
  const container = useRef<HTMLDivElement>(null);

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

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const command = commandForKey(e.key);
    if (!command) return;
    e.preventDefault();
    run(command);
  };

  return (
    <div
      ref={container}
      className={mpr ? 'viewer-viewport mpr' : 'viewer-viewport'}
      data-testid="viewer-viewport"
      tabIndex={0}
      aria-label="CT slice viewer (press ? for shortcuts)"
      onKeyDown={onKeyDown}
      onPointerDown={() => container.current?.focus({ preventScroll: true })}
    />
  );
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
    case 'help':
      return s.toggleHelp();
  }
}
