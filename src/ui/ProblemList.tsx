// A list of problems, each naming its file: errors are values, shown, never fatal to a drop.
import type { Problem } from '../common/types';

export function ProblemList({ problems, limit = 200 }: { problems: Problem[]; limit?: number }) {
  return (
    <ul className="problems" data-testid="problems">
      {problems.slice(0, limit).map((p, i) => (
        <li key={i} className={p.severity}>
          <code>{p.file}</code>: {p.message}
        </li>
      ))}
      {problems.length > limit && <li className="muted">… and {problems.length - limit} more</li>}
    </ul>
  );
}
