// The app frame: header with the three stages of the work (data, training, viewing) as tabs.
// Data shows the welcome screen until something is loaded; cached datasets are always listed.
import { useEffect } from 'react';
import { useIngestStore } from '../state/ingestStore';
import { useUiStore, type Tab } from '../state/uiStore';
import { Welcome } from './Welcome';
import { DataPanel } from './DataPanel';
import { PreprocessPanel } from './PreprocessPanel';
import { CachePanel } from './CachePanel';
import { TrainingPanel } from './training/TrainingPanel';
import { ViewerPanel } from './viewer';
import { startupSweep, warmPreprocessingOnDrop } from '../state/startup';
import { TabSyncNotice } from './TabSyncNotice';

const TABS: { id: Tab; label: string }[] = [
  { id: 'data', label: 'Data' },
  { id: 'train', label: 'Train' },
  { id: 'view', label: 'View' },
];

export function App() {
  const { tab, setTab } = useUiStore();
  useEffect(() => {
    void startupSweep();
    warmPreprocessingOnDrop();
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <h1>LiverLab</h1>
        <nav role="tablist" aria-label="Workbench">
          {TABS.map((t) => (
            <button key={t.id} role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => setTab(t.id)}>
              {t.label}
            </button>
          ))}
        </nav>
        <span className="tagline">Liver CT segmentation in your browser — no patient data leaves this machine</span>
      </header>
      <TabSyncNotice />
      <main className="app-main">
        {tab === 'data' && <DataTab />}
        {tab === 'train' && <TrainingPanel />}
        {tab === 'view' && <ViewerPanel />}
      </main>
    </div>
  );
}

function DataTab() {
  const hasData = useIngestStore((s) => s.patients.length > 0 || s.problems.length > 0 || s.phase === 'scanning');
  return (
    <>
      {hasData ? (
        <>
          <DataPanel />
          <PreprocessPanel />
        </>
      ) : (
        <Welcome />
      )}
      <CachePanel />
    </>
  );
}
