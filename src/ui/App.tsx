// The app frame: the header with the step bar (Data → Train → View as tabs, each saying where it
// stands, and the next action) and the theme switch; the tab's panels inside an error boundary (a
// failing component shows what failed and a way back, never a blank page); the footer's
// "not for clinical use". Data shows the welcome screen until something is loaded; cached datasets
// are always listed. Closing the tab mid-training asks first (state/leaveGuard.ts).
import { useEffect } from 'react';
import { useIngestStore } from '../state/ingestStore';
import { useUiStore, type ThemeChoice } from '../state/uiStore';
import { useTrainingStore } from '../state/trainingStore';
import { installLeaveGuard } from '../state/leaveGuard';
import { Welcome } from './Welcome';
import { DataPanel } from './DataPanel';
import { PreprocessPanel } from './PreprocessPanel';
import { CachePanel } from './CachePanel';
import { TrainingPanel } from './training/TrainingPanel';
import { ViewerPanel } from './viewer';
import { startupSweep, warmPreprocessingOnDrop } from '../state/startup';
import { TabSyncNotice } from './TabSyncNotice';
import { StepBar } from './StepBar';
import { CrashProbe, ErrorBoundary } from './ErrorBoundary';
import { applyTheme } from './theme';

const AREA = { data: 'Data', train: 'Train', view: 'View' } as const;

export function App() {
  const tab = useUiStore((s) => s.tab);
  const setTab = useUiStore((s) => s.setTab);
  const theme = useUiStore((s) => s.theme);
  useEffect(() => {
    void startupSweep();
    void useTrainingStore.getState().refresh();
    warmPreprocessingOnDrop();
    return installLeaveGuard();
  }, []);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>LiverLab</h1>
        <StepBar />
        <div className="header-tools">
          <ThemeSwitch />
        </div>
      </header>
      <TabSyncNotice />
      <main className="app-main" role="tabpanel" aria-label={AREA[tab]}>
        <ErrorBoundary key={tab} area={AREA[tab]} onBack={() => setTab('data')}>
          <CrashProbe area={tab} />
          {tab === 'data' && <DataTab />}
          {tab === 'train' && <TrainingPanel />}
          {tab === 'view' && <ViewerPanel />}
        </ErrorBoundary>
      </main>
      <footer className="app-footer">
        <span className="not-clinical" data-testid="not-clinical">Research and teaching tool — not for clinical use.</span> No patient data
        leaves this machine. 3D-IRCADb-01 © IRCAD, for research and education.
      </footer>
    </div>
  );
}

function ThemeSwitch() {
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  return (
    <label>
      Theme
      <select aria-label="Theme" value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
        <option value="system">as the system</option>
        <option value="dark">dark</option>
        <option value="light">light</option>
      </select>
    </label>
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
