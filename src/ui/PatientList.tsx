// The table of discovered patients: what each holds and what is wrong with it.
import type { PatientScan } from '../discovery/types';
import { formatBytes, formatSpacing } from './format';
import { ProblemList } from './ProblemList';

export function PatientList({ patients }: { patients: PatientScan[] }) {
  if (patients.length === 0) return <p className="empty">No patients found yet.</p>;
  return (
    <table className="patients" aria-label="Patients">
      <thead>
        <tr>
          <th>Patient</th>
          <th>Slices</th>
          <th>Size</th>
          <th>Spacing</th>
          <th>Organs with masks</th>
          <th>Liver slices</th>
          <th>Data</th>
          <th>Warnings</th>
        </tr>
      </thead>
      <tbody>
        {patients.map((p) => (
          <PatientRow key={p.name} patient={p} />
        ))}
      </tbody>
    </table>
  );
}

function PatientRow({ patient: p }: { patient: PatientScan }) {
  const liver = p.organs.find((o) => o.organ.toLowerCase() === 'liver');
  const issues = p.problems.length;
  return (
    <tr data-testid="patient-row" data-patient={p.name} className={p.usable ? '' : 'unusable'}>
      <td className="name">{p.name}</td>
      <td data-testid="slices">{p.ct.length}</td>
      <td data-testid="size">{p.rows && p.columns ? `${p.columns}×${p.rows}` : '—'}</td>
      <td>{formatSpacing(p.spacing)}</td>
      <td data-testid="organs">
        {p.organs.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          p.organs.map((o) => (
            <span key={o.organ} className="organ" title={o.nonEmptyRange ? `slices ${o.nonEmptyRange[0]}–${o.nonEmptyRange[1]}` : o.unchecked ? `${o.slices.length} mask slices (extent found when preprocessed)` : 'empty'}>
              {o.organ}
            </span>
          ))
        )}
      </td>
      <td data-testid="liver-range">{liver?.nonEmptyRange ? `${liver.nonEmptyRange[0]}–${liver.nonEmptyRange[1]}` : liver ? '—' : <span className="muted">no ground truth</span>}</td>
      <td>{formatBytes(p.bytes)}</td>
      <td>
        {issues === 0 ? (
          <span className="ok">none</span>
        ) : (
          <details>
            <summary>
              {issues} {issues === 1 ? 'problem' : 'problems'}
              {p.usable ? '' : ' — not usable'}
            </summary>
            <ProblemList problems={p.problems} />
          </details>
        )}
      </td>
    </tr>
  );
}
