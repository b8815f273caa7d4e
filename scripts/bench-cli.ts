// CLI start-up and whole-process benchmark: how long a person waits for `npm run cli -- --help` and
// for `cli preprocess` of one real patient from its zips (fresh output file each time), against the
// Python reference's whole process (shared/tools/seed_pipeline.py, on the same patient unzipped once
// beforehand, as it reads it; with and without writing its .npz) in the same run, commands
// alternating round by round so a busy machine weighs on all of them alike. Wall time and CPU time
// (user + system, from /usr/bin/time when installed) per command, medians. Also the old way of
// starting (tsx transpiling src/cli/bin.ts) and bare Node for scale. Prints a table, writes
// bench-results/cli.json.
//
// usage: npm run bench:cli -- [--runs 5] [--patient 3Dircadb1.17]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const option = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
};
const runs = Number(option('runs', '5'));
const patient = option('patient', '3Dircadb1.17');
const patientDir = resolve(root, '../shared/data', patient);
const seedPipeline = resolve(root, '../shared/tools/seed_pipeline.py');
const python = '/usr/bin/python3';
const timeTool = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

interface Sample {
  wallMs: number;
  cpuMs: number | null;
}

/** Runs the command once, as a whole process; throws if it fails. */
function timed(command: string[], cwd = root): Sample {
  const report = join(work, 'time.txt');
  const argv = timeTool ? [timeTool, '-f', '%U %S', '-o', report, ...command] : command;
  const t0 = performance.now();
  const run = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  if (run.status !== 0) throw new Error(`${command.join(' ')} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const cpu = timeTool ? readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : null;
  return { wallMs, cpuMs: cpu ? (cpu[0] + cpu[1]) * 1000 : null };
}

const work = mkdtempSync(join(tmpdir(), 'liverlab-bench-cli-'));
const h5 = join(work, 'out.h5');
const npz = join(work, 'out.npz');
const unzipped = join(work, patient);
mkdirSync(unzipped);
for (const zip of ['PATIENT_DICOM.zip', 'MASKS_DICOM.zip']) execFileSync('unzip', ['-q', '-o', join(patientDir, zip), '-d', unzipped]);
execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root }); // the build a fresh `npm install` leaves

const fresh = (file: string) => () => rmSync(file, { force: true });
const COMMANDS: { name: string; command: string[]; before?: () => void }[] = [
  { name: 'node -e 0 (bare Node, for scale)', command: [process.execPath, '-e', '0'] },
  { name: 'npm run cli -- --help', command: ['npm', 'run', '--silent', 'cli', '--', '--help'] },
  { name: 'node dist-cli/liverlab.mjs --help', command: [process.execPath, 'dist-cli/liverlab.mjs', '--help'] },
  { name: 'tsx src/cli/bin.ts --help (before: transpiled at start)', command: [join(root, 'node_modules/.bin/tsx'), 'src/cli/bin.ts', '--help'] },
  { name: `npm run cli -- preprocess ${patient} (zips)`, command: ['npm', 'run', '--silent', 'cli', '--', 'preprocess', patientDir, '--out', h5], before: fresh(h5) },
  { name: `node dist-cli/liverlab.mjs preprocess ${patient} (zips)`, command: [process.execPath, 'dist-cli/liverlab.mjs', 'preprocess', patientDir, '--out', h5], before: fresh(h5) },
  { name: `python seed_pipeline.py ${patient} (unzipped)`, command: [python, seedPipeline, unzipped] },
  { name: `python seed_pipeline.py ${patient} --out .npz`, command: [python, seedPipeline, unzipped, '--out', npz], before: fresh(npz) },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (v: number) => Math.round(v);

const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
const samples = new Map<string, Sample[]>(COMMANDS.map((c) => [c.name, []]));
for (const c of COMMANDS) {
  c.before?.();
  timed(c.command); // warm the file cache once
}
for (let r = 0; r < runs; r++) {
  for (const c of COMMANDS) {
    c.before?.();
    samples.get(c.name)!.push(timed(c.command));
  }
  process.stderr.write(`round ${r + 1}/${runs}\n`);
}
const loadAfter = loadavg().map((x) => Math.round(x * 100) / 100);
const rows = COMMANDS.map(({ name }) => {
  const s = samples.get(name)!;
  const cpu = s.every((x) => x.cpuMs !== null) ? round(median(s.map((x) => x.cpuMs!))) : null;
  return { command: name, runs: s.length, medianWallMs: round(median(s.map((x) => x.wallMs))), medianCpuMs: cpu, wallMs: s.map((x) => round(x.wallMs)) };
});
rmSync(work, { recursive: true, force: true });

const width = Math.max(...rows.map((r) => r.command.length));
console.log(`${'command'.padEnd(width)}  wall ms (median)  CPU ms (median)  all wall ms`);
for (const r of rows) console.log(`${r.command.padEnd(width)}  ${String(r.medianWallMs).padStart(16)}  ${String(r.medianCpuMs ?? '—').padStart(15)}  ${r.wallMs.join(' ')}`);
const byName = (prefix: string) => rows.find((r) => r.command.startsWith(prefix))!;
const cliPre = byName('npm run cli -- preprocess');
const pyPre = byName('python seed_pipeline.py');
console.log(`\npreprocess ${patient}, whole process: npm run cli ${cliPre.medianWallMs} ms vs Python ${pyPre.medianWallMs} ms (×${(pyPre.medianWallMs / cliPre.medianWallMs).toFixed(2)} faster); load average ${loadBefore.join(' ')} → ${loadAfter.join(' ')}`);
mkdirSync(resolve(root, 'bench-results'), { recursive: true });
const outFile = resolve(root, 'bench-results/cli.json');
writeFileSync(outFile, `${JSON.stringify({ patient, runs, loadAverage: { before: loadBefore, after: loadAfter }, rows, at: new Date().toISOString() }, null, 2)}\n`);
console.log(`wrote ${outFile}`);
