// The app frame: header, the data panel, and the welcome screen until something is loaded.
import { useIngestStore } from '../state/ingestStore';
import { Welcome } from './Welcome';
import { DataPanel } from './DataPanel';

export function App() {
  const hasData = useIngestStore((s) => s.patients.length > 0 || s.problems.length > 0 || s.phase === 'scanning');
  return (
    <div className="app">
      <header className="app-header">
        <h1>LiverLab</h1>
        <span className="tagline">Liver CT segmentation in your browser — no patient data leaves this machine</span>
      </header>
      <main className="app-main">{hasData ? <DataPanel /> : <Welcome />}</main>
    </div>
  );
}
