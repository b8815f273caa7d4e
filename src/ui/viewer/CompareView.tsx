// Two models on the patient on screen, side by side: left the viewer's prediction (model A, from
// "Segment this patient"), right model B picked here from the saved models; each viewport shows its
// own prediction overlay and Dice, and the two are linked (slice, window, zoom and pan). The left
// viewer drives the toolbar and the slice strip. Layout and viewer wiring only; state in the stores.
import { useEffect, useRef } from 'react';
import { createViewer, linkViewers, type ViewerHandle } from '../../viewer';
import { useViewerStore } from '../../state/viewerStore';
import { useSegmentStore } from '../../state/segmentStore';
import { useCompareStore } from '../../state/compareStore';
import { shortName } from '../format';

const dice = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));

export function CompareView() {
  const volume = useViewerStore((s) => s.volume);
  const prediction = useViewerStore((s) => s.prediction);
  const overlays = useViewerStore((s) => s.overlays);
  const models = useSegmentStore((s) => s.models);
  const modelA = useSegmentStore((s) => s.models.find((m) => m.id === s.modelId)?.name ?? null);
  // Model B runs on the cached slab: A is compared on the same slices (its kept-slab figures when it segmented the whole scan).
  const metricsA = useSegmentStore((s) => (!s.target ? null : s.target.scope === 'scan' && s.slabMetrics ? s.slabMetrics : s.metrics));
  const { modelId, status, progress, error, mask, metrics } = useCompareStore();
  const left = useRef<HTMLDivElement>(null);
  const right = useRef<HTMLDivElement>(null);
  const handles = useRef<[ViewerHandle, ViewerHandle] | null>(null);

  useEffect(() => {
    if (!volume || !left.current || !right.current) return;
    const hosts = [left.current, right.current].map((parent) => {
      const host = document.createElement('div');
      host.className = 'viewer-canvas-host';
      parent.appendChild(host);
      return host;
    });
    let cancelled = false;
    let unlink: (() => void) | null = null;
    const slice = useViewerStore.getState().slice;
    void Promise.all(hosts.map((host) => createViewer(host, volume, { slice }))).then(async ([a, b]) => {
      if (cancelled) return [a, b].forEach((h) => h.destroy());
      handles.current = [a, b];
      a.onSliceChange((i) => useViewerStore.getState().sliceShown(i));
      a.onWindowChange((w) => useViewerStore.getState().windowShown(w));
      useViewerStore.getState().attach(a);
      const { overlays: styles } = useViewerStore.getState();
      for (const kind of ['truth', 'prediction', 'difference'] as const) b.setOverlay(kind, styles[kind]);
      const maskB = useCompareStore.getState().mask;
      if (maskB) b.setPrediction(maskB);
      unlink = await linkViewers(a, b);
    });
    return () => {
      cancelled = true;
      unlink?.();
      if (handles.current) {
        useViewerStore.getState().attach(null);
        handles.current.forEach((h) => h.destroy());
        handles.current = null;
      }
      hosts.forEach((h) => h.remove());
    };
  }, [volume]);

  useEffect(() => {
    if (mask && handles.current) handles.current[1].setPrediction(mask);
  }, [mask]);
  useEffect(() => {
    const b = handles.current?.[1];
    if (b) for (const kind of ['truth', 'prediction', 'difference'] as const) b.setOverlay(kind, overlays[kind]);
  }, [overlays]);

  const { chooseModel, run } = useCompareStore.getState();
  return (
    <div className="compare-grid" data-testid="compare-view">
      <div className="compare-side">
        <p className="muted">
          A: <span title={modelA ?? undefined}>{modelA ? shortName(modelA) : 'no model'}</span> — Dice <strong data-testid="compare-dice-a">{dice(metricsA?.dice)}</strong>
          {!prediction && ' (segment this patient first)'}
        </p>
        <div ref={left} className="viewer-viewport" data-testid="compare-viewport-a" />
      </div>
      <div className="compare-side">
        <div className="row-actions">
          <select aria-label="Second model" value={modelId ?? ''} onChange={(e) => chooseModel(e.target.value)}>
            <option value="">Second model…</option>
            {models.map((m) => (
              <option key={m.id} value={m.id} title={`${m.name} (${m.size}²)`}>
                {shortName(m.name)}
              </option>
            ))}
          </select>
          <button type="button" disabled={!modelId || status === 'running'} onClick={() => void run()}>
            Segment with B
          </button>
        </div>
        <p className="muted">
          B: Dice <strong data-testid="compare-dice-b">{dice(metrics?.dice)}</strong>
          {progress && (
            <>
              {' '}
              <progress aria-label="Segmenting with model B" max={progress.total} value={progress.done} /> {progress.done} / {progress.total} slices
            </>
          )}
        </p>
        {error && <p className="error">{error}</p>}
        <div ref={right} className="viewer-viewport" data-testid="compare-viewport-b" />
      </div>
    </div>
  );
}
