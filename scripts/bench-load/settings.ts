// Settings of the load bench (scripts/bench-load.ts), read once from its command line, and the
// small helpers every part of it prints with: shared here so its parts read the same flags.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
export const flag = (name: string) => process.argv.includes(`--${name}`);

export const patientCounts = option('patients', '20').split(',').map(Number);
export const slicesPerPatient = Number(option('slices', '140'));
export const size = Number(option('size', '512'));
export const epochs = Number(option('epochs', '1'));
export const train = !flag('no-train');
export const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
export const MiB = (b: number | null) => (b === null ? null : round(b / 2 ** 20));
