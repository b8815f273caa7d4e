// The bar above the viewport: the layout (stack, MPR, two models side by side), slice number and
// window/level readouts, the left button's tool (window/level, length, ellipse ROI — stack views
// only), the window presets as OHIF names them (HU images only; the reason is said when they are
// off), the difference view, invert, reset and help. Actions go to the store.
import { PRESET_ORDER, PROCESSED_PRESET_NOTE, WINDOW_PRESETS, type ViewerTool } from '../../viewer';
import { useViewerStore, type ViewerLayout } from '../../state/viewerStore';

const TOOLS: { tool: ViewerTool; label: string; key: string }[] = [
  { tool: 'windowLevel', label: 'W/L', key: 'W' },
  { tool: 'length', label: 'Length', key: 'L' },
  { tool: 'ellipse', label: 'Ellipse ROI', key: 'E' },
];

export function ViewerToolbar() {
  const slice = useViewerStore((s) => s.slice);
  const slices = useViewerStore((s) => s.volume?.slices ?? 0);
  const kind = useViewerStore((s) => s.volume?.kind ?? 'processed');
  const window = useViewerStore((s) => s.window);
  const inverted = useViewerStore((s) => s.inverted);
  const helpOpen = useViewerStore((s) => s.helpOpen);
  const layout = useViewerStore((s) => s.layout);
  const tool = useViewerStore((s) => s.tool);
  const difference = useViewerStore((s) => s.overlays.difference.visible);
  const canDiffer = useViewerStore((s) => s.prediction !== null && Boolean(s.volume?.truth));
  const { applyPreset, invert, reset, toggleHelp, setLayout, setTool, toggleOverlay } = useViewerStore.getState();
  const hu = kind === 'hu';
  const measuring = layout !== 'mpr';
  return (
    <div className="viewer-toolbar">
      <label className="viewer-layout">
        <span className="muted">Layout</span>
        <select aria-label="Layout" value={layout} onChange={(e) => setLayout(e.target.value as ViewerLayout)}>
          <option value="stack">Stack (axial)</option>
          <option value="mpr">MPR (3 views)</option>
          <option value="compare">Compare models</option>
        </select>
      </label>
      <span data-testid="slice-readout" className="readout">
        Slice {slice + 1} / {slices}
      </span>
      <span data-testid="window-readout" className="readout" title={hu ? 'window in HU' : 'window in stored grey levels (0–255)'}>
        W {Math.round(window.width)} · L {Math.round(window.center)}
      </span>
      <span className="tool-group" role="group" aria-label="Left mouse button">
        {TOOLS.map((t) => (
          <button
            key={t.tool}
            type="button"
            aria-pressed={tool === t.tool}
            disabled={!measuring && t.tool !== 'windowLevel'}
            title={measuring ? `${t.label} (${t.key})` : 'measurements are drawn in the stack layout'}
            onClick={() => setTool(t.tool)}
          >
            {t.label}
          </button>
        ))}
      </span>
      <span className="presets" role="group" aria-label="Window presets">
        {PRESET_ORDER.map((name, i) => (
          <button
            key={name}
            type="button"
            disabled={!hu}
            title={hu ? `W ${WINDOW_PRESETS[name].width} / L ${WINDOW_PRESETS[name].center} (key ${i + 1})` : PROCESSED_PRESET_NOTE}
            onClick={() => applyPreset(name)}
          >
            {WINDOW_PRESETS[name].label}
          </button>
        ))}
      </span>
      <button type="button" aria-pressed={difference} disabled={!canDiffer} onClick={() => toggleOverlay('difference')} title="True positives, false positives, false negatives (D)">
        Difference
      </button>
      <button type="button" aria-pressed={inverted} onClick={invert} title="Invert (I)">
        Invert
      </button>
      <button type="button" onClick={reset} title="Reset zoom, pan, window and invert (R)">
        Reset
      </button>
      <button type="button" aria-pressed={helpOpen} aria-label="Keyboard shortcuts" onClick={() => toggleHelp()} title="Keyboard shortcuts (?)">
        ?
      </button>
      {!hu && <span className="muted preset-note">Presets off: {PROCESSED_PRESET_NOTE}.</span>}
    </div>
  );
}
