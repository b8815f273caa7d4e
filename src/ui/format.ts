// Display formatting for sizes, spacings and durations: one place so every panel says it alike.

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatSpacing(s: [number, number, number] | null): string {
  if (!s) return '—';
  const r = (x: number) => (Math.round(x * 1000) / 1000).toString();
  return `${r(s[0])} × ${r(s[1])} × ${r(s[2])} mm`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 90) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/**
 * A generated name made short enough for a dropdown or a table cell, keeping what tells names apart:
 * "3Dircadb1.1 … 3Dircadb1.17 (2 patients) · Laptop (best, epoch 16)" → "3Dircadb1.1–17 (2) · Laptop (best ep 16)";
 * anything still over `max` characters loses the end of its first part (the dataset), keeping the preset, seed
 * and epoch that tell a run's models apart, or else its middle ("…"). Show the full name on hover (title).
 */
export function shortName(name: string, max = 44): string {
  const short = name
    .replace(/(\S+) … (\S+) \((\d+) patients\)/g, (_, first: string, last: string, n: string) => `${first}–${afterSharedPrefix(first, last)} (${n})`)
    .replace(/\(best, epoch (\d+)\)/g, '(best ep $1)');
  if (short.length <= max) return short;
  // A generated name's later parts (preset, seed, epoch) are what tell a run's models apart: cut the
  // dataset part first, as long as a readable start of it stays.
  const parts = short.split(' · ');
  if (parts.length > 1) {
    const tail = ` · ${parts.slice(1).join(' · ')}`;
    const room = max - tail.length - 1;
    if (room >= 8) return `${parts[0].slice(0, room).trimEnd()}…${tail}`;
  }
  return cutMiddle(short, max);
}

function cutMiddle(text: string, max: number): string {
  const head = Math.ceil((max - 1) * 0.6);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** `last` without the dot-separated parts it shares with `first` ("3Dircadb1.17" after "3Dircadb1.1": "17"). */
function afterSharedPrefix(first: string, last: string): string {
  const a = first.split('.');
  const b = last.split('.');
  let i = 0;
  while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
  return b.slice(i).join('.');
}
