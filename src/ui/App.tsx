// The app frame: header, the welcome screen until something is loaded, then the data and
// preprocessing panels; cached datasets are always listed (they survive reloads).
import { useEffect } from 'react';
import { useIngestStore } from '../state/ingestStore';
import { Welcome } from './Welcome';
import { DataPanel } from './DataPanel';
import { PreprocessPanel } from './PreprocessPanel';
import { CachePanel } from './CachePanel';
import { startupSweep } from '../state/startup';

export function App() {
  const hasData = useIngestStore((s) => s.patients.length > 0 || s.problems.length > 0 || s.phase === 'scanning');
  useEffect(() => {
    void startupSweep();
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <h1>LiverLab</h1>
        <span className="tagline">Liver CT segmentation in your browser — no patient data leaves this machine</span>
      </header>
      <main className="app-main">
        {hasData ? (
          <>
            <DataPanel />
            <PreprocessPanel />
          </>
        ) : (
          <Welcome />
        )}
        <CachePanel />
      </main>
    </div>
  );
}
