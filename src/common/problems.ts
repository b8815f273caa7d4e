// Small builders for the Problems discovery reports: every bad input becomes a value naming the file
// and what is wrong (never an exception across a drop). Shared by scanning, loading and series ordering.
import type { Problem } from './types';

/** The same message for many files (e.g. 119 compressed slices) becomes one problem naming the first. */
export function collapseRepeats(problems: Problem[]): Problem[] {
  const groups = new Map<string, Problem[]>();
  for (const problem of problems) {
    const key = `${problem.severity}\u0000${problem.message}`;
    const group = groups.get(key);
    if (group) group.push(problem);
    else groups.set(key, [problem]);
  }
  return [...groups.values()].map((group) =>
    group.length === 1 ? group[0] : { ...group[0], message: `${group[0].message} (and ${group.length - 1} more files)` },
  );
}

export function listSome(numbers: number[]): string {
  return numbers.length <= 5 ? numbers.join(', ') : `${numbers.slice(0, 5).join(', ')}, … ${numbers.length - 5} more`;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function error(file: string, message: string): Problem {
  return { file, message, severity: 'error' };
}

export function warning(file: string, message: string): Problem {
  return { file, message, severity: 'warning' };
}

export function failure(file: string, message: string): { ok: false; problem: Problem } {
  return { ok: false, problem: error(file, message) };
}
