// The data panel: scan progress, the patient list, problems outside any patient, and more input.
import { useIngestStore } from '../state/ingestStore';
import { PatientList } from './PatientList';
import { ProblemList } from './ProblemList';
import { DropZone } from './DropZone';
import { formatBytes, formatSeconds } from './format';

export function DataPanel() {
  const { phase, progress, patients, problems, lastScanMs, clear } = useIngestStore();
  return (
    <section className="panel" aria-label="Data">
      <div className="panel-head">
        <h2>Patients</h2>
        {phase === 'scanning' ? (
          <span className="scan-progress">
            <progress aria-label="Reading files" max={progress.total ?? undefined} value={progress.total ? progress.done : undefined} />
            <span role="status" data-testid="scan-status">
              Reading files…{progress.files > 0 ? ` ${progress.files} files, ` : ' '}
              {formatBytes(progress.done)}
              {progress.total ? ` of ${formatBytes(progress.total)}` : ''}
            </span>
          </span>
        ) : (
          <span role="status" data-testid="scan-status" className="muted" data-scan-ms={lastScanMs === null ? undefined : Math.round(lastScanMs)}>
            {patients.length} {patients.length === 1 ? 'patient' : 'patients'}
            {lastScanMs !== null ? ` · read in ${formatSeconds(lastScanMs / 1000)}` : ''}
          </span>
        )}
        <button onClick={clear} disabled={phase === 'scanning'}>
          Clear list
        </button>
      </div>
      <PatientList patients={patients} />
      {problems.length > 0 && (
        <div className="drop-problems" aria-label="Problems">
          <h3>Files that could not be used</h3>
          <ProblemList problems={problems} />
        </div>
      )}
      <DropZone />
    </section>
  );
}
