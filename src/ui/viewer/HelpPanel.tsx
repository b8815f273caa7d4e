// The keyboard and mouse shortcuts of the viewer (toggled with `?`), from the viewer's own list.
import { SHORTCUTS } from '../../viewer';
import { useViewerStore } from '../../state/viewerStore';

export function HelpPanel() {
  const open = useViewerStore((s) => s.helpOpen);
  const toggleHelp = useViewerStore((s) => s.toggleHelp);
  if (!open) return null;
  return (
    <aside className="viewer-help" aria-label="Viewer shortcuts" data-testid="viewer-help">
      <div className="panel-head">
        <h3>Shortcuts</h3>
        <button type="button" onClick={() => toggleHelp(false)}>
          Close
        </button>
      </div>
      <dl>
        {SHORTCUTS.map(({ keys, action }) => (
          <div key={keys}>
            <dt>{keys}</dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}
