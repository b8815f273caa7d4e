// Paths inside a drop, as plain strings: normalised segments, zip names, and the natural order used
// everywhere a list of files, series or patients is shown. Pure string work; the bottom of the tree.

/** `\` → `/`, no empty, `.` or leading segments; `..` is kept as a plain name (never resolved). */
export function normalisePath(path: string): string {
  return segmentsOf(path).join('/');
}

/** True for a path whose last segment ends in `.zip` (any case). */
export function isZipPath(path: string): boolean {
  return /\.zip$/i.test(path);
}

/**
 * Natural order, case-insensitive: `3Dircadb1.2` < `3Dircadb1.10`, `image_2` < `image_10`.
 * Digit runs compare by value; ties fall back to plain code-point order so the sort is total.
 */
export function naturalCompare(a: string, b: string): number {
  const left = tokens(a);
  const right = tokens(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareTokens(left[i], right[i]);
    if (order !== 0) return order;
  }
  if (left.length !== right.length) return left.length - right.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function segmentsOf(path: string): string[] {
  return path.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
}

type Token = string | number;

function tokens(text: string): Token[] {
  return (text.match(/\d+|\D+/g) ?? []).map((part) => (/^\d/.test(part) ? Number(part) : part.toLowerCase()));
}

function compareTokens(a: Token, b: Token): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
