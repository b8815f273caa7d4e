// The CLI's train as a user runs it: phantom patients on disk, a validation patient named on the
// command line, a model saved in the format the app imports, and a JSON summary as the last line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePhantomPatient } from '../phantom/phantom';
import { fromModelFiles, modelInputSize } from '../model/modelFiles';
import { REPO, runCliSync } from '../test-support/cliProcess';

const cli = (args: string[]) => runCliSync(args);

describe('npm run cli -- train', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'liverlab-cli-train-'));
  for (const i of [1, 2, 3]) {
    for (const f of generatePhantomPatient({ name: `3Dircadb1.${i}`, size: 64, slices: 40, seed: 20 + i }).files) {
      mkdirSync(path.join(dir, 'data', path.dirname(f.path)), { recursive: true });
      writeFileSync(path.join(dir, 'data', f.path), f.bytes);
    }
  }

  it('trains on two patients, validates on the third, saves an importable model and prints JSON', () => {
    const out = path.join(dir, 'model');
    const run = cli(['train', path.join(dir, 'data'), '--val', '3', '--epochs', '2', '--base', '4', '--size', '64', '--seed', '5', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(summary).toMatchObject({ backend: 'wasm', seed: 5, epochs: 2, out });
    expect(Object.keys(summary.perPatientDice)).toEqual(['3Dircadb1.3']);
    expect(summary.valDice).toBeGreaterThanOrEqual(0);
    expect(summary.valDice).toBeLessThanOrEqual(1);
    expect(run.stderr).toMatch(/epoch 2\/2: loss -?\d/);
    // stderr is a pipe here, as in a log: plain lines, nothing rewritten.
    expect(run.stderr).not.toContain('\r');
    const snapshot = fromModelFiles(readFileSync(path.join(out, 'model.json'), 'utf8'), new Map([['model.weights.bin', new Uint8Array(readFileSync(path.join(out, 'model.weights.bin'))).buffer]]));
    expect(modelInputSize(snapshot)).toEqual({ ok: true, size: 64 });
    const history = JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8'));
    expect(history.val).toEqual(['3Dircadb1.3']);
    expect(history.seed).toBe(5);
    expect(history.settings.seed).toBe(5);
    expect(history.history).toHaveLength(2);
  });

  it('--threads 2 splits each step over two worker threads: the same run every time, and the one-thread run up to float rounding', () => {
    const runWith = (threads: number, name: string) => {
      const out = path.join(dir, name);
      const run = cli(['train', path.join(dir, 'data'), '--val', '3', '--epochs', '2', '--base', '4', '--size', '64', '--threads', String(threads), '--out', out]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain(`wasm, ${threads} thread${threads > 1 ? 's' : ''}`);
      const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
      expect(summary.threads).toBe(threads);
      return JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8')).history as { loss: number; valDice: number }[];
    };
    const one = runWith(1, 'one-thread');
    const [a, b] = [runWith(2, 'two-threads-a'), runWith(2, 'two-threads-b')];
    expect(b.map((h) => h.loss)).toEqual(a.map((h) => h.loss));
    expect(b.map((h) => h.valDice)).toEqual(a.map((h) => h.valDice));
    expect(a[0].loss).toBeCloseTo(one[0].loss, 3);
    expect(cli(['train', path.join(dir, 'data'), '--val', '3', '--batch', '4', '--threads', '5', '--out', path.join(dir, 'x')]).stderr).toContain('--threads must be a whole number from 1 to the batch size (4)');
  });

  it('--seeds 1,2 trains the same recipe once per seed and reports each validation patient\'s median and spread', () => {
    const out = path.join(dir, 'seeds');
    const run = cli(['train', path.join(dir, 'data'), '--val', '3', '--epochs', '2', '--base', '4', '--size', '64', '--seeds', '1,2', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(summary.seeds.map((s: { seed: number }) => s.seed)).toEqual([1, 2]);
    const dice = summary.seeds.map((s: { perPatientDice: Record<string, number> }) => s.perPatientDice['3Dircadb1.3']);
    expect(summary.perPatient['3Dircadb1.3'].dice).toEqual(dice);
    expect(summary.perPatient['3Dircadb1.3'].median).toBeCloseTo((dice[0] + dice[1]) / 2, 12);
    expect(summary.perPatient['3Dircadb1.3'].spread).toBeCloseTo(Math.abs(dice[0] - dice[1]), 12);
    expect(run.stderr).toMatch(/3Dircadb1\.3: Dice [\d.]+ \/ [\d.]+ \(seeds 1 \/ 2\): median [\d.]+, spread [\d.]+/);
    const histories = [1, 2].map((seed) => JSON.parse(readFileSync(path.join(out, `seed-${seed}`, 'history.json'), 'utf8')));
    expect(histories.map((h) => h.seed)).toEqual([1, 2]);
    // Another seed is another run: other initial weights and batch order, so another first loss.
    expect(histories[0].history[0].loss).not.toBe(histories[1].history[0].loss);
    for (const seed of [1, 2]) expect(readFileSync(path.join(out, `seed-${seed}`, 'model.json'), 'utf8')).toContain('modelTopology');
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('in a terminal, shows progress as one line rewritten in place (run under a pseudo-terminal by util-linux script)', () => {
    const args = ['train', path.join(dir, 'data'), '--val', '3', '--epochs', '2', '--base', '4', '--size', '64', '--out', path.join(dir, 'tty')];
    const command = [process.execPath, path.join(REPO, 'scripts/cli.mjs'), ...args].map((a) => `'${a}'`).join(' ');
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(run.status, run.stdout).toBe(0);
    // ESC [ K (clear to the end of the line) written as ⟨K⟩ to keep control characters out of the patterns.
    const shown = run.stdout.replaceAll('\x1b[K', '⟨K⟩');
    expect(shown).toMatch(/\rseed 1 epoch 1\/2 step \d+\/\d+: loss -?\d\.\d{4}, \d+ ms\/step, ~\d+ s of steps left⟨K⟩/);
    // Each epoch's result stays on a line of its own, the progress line cleared first.
    expect(shown).toMatch(/\r⟨K⟩seed 1 epoch 2\/2: loss -?\d/);
  });

  it('takes the recipe\'s knobs (loss, schedule, warm-up, ranges, averaged weights) and keeps them in history.json', () => {
    const out = path.join(dir, 'recipe');
    const run = cli(['train', path.join(dir, 'data'), '--val', '3', '--preset', 'reference', '--epochs', '2', '--base', '4', '--size', '64', '--lr', '1e-3',
      '--loss', 'dicebce', '--schedule', 'cosine', '--warmup', '0.5', '--ranges', 'rotation=12,zoom=0.15', '--average', '0.9', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const { settings, history } = JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8'));
    expect(settings).toMatchObject({ loss: 'dicebce', schedule: { warmupEpochs: 0.5, decay: 'cosine', minFraction: 0 }, weightAverage: 0.9 });
    expect(settings.augment.ranges).toMatchObject({ rotationRange: 12, zoomRange: 0.15, widthShiftRange: 0.01 });
    // −Dice + BCE starts above 0, where −Dice alone never goes.
    expect(history[0].loss).toBeGreaterThan(0);
  });

  it('refuses a wrong loss, schedule, range or average, naming it, with exit 2', () => {
    const base = ['train', path.join(dir, 'data'), '--val', '3', '--out', path.join(dir, 'x')];
    const cases: [string[], RegExp][] = [
      [['--loss', 'focal'], /--loss must be dice or dicebce/],
      [['--schedule', 'linear'], /decay must be constant, cosine, step/],
      [['--warmup=-1'], /warm-up must be 0 or more epochs/],
      [['--ranges', 'spin=3'], /--ranges: 'spin=3' is not name=value/],
      [['--average', '1'], /--average must be a decay from 0/],
    ];
    for (const [extra, message] of cases) {
      const r = cli([...base, ...extra]);
      expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(message)]);
    }
  });

  it('refuses a missing --val and a --val that is every patient, with exit 2', () => {
    expect(cli(['train', path.join(dir, 'data'), '--out', path.join(dir, 'x')]).stderr).toMatch(/--val is required/);
    const r = cli(['train', path.join(dir, 'data'), '--val', '1,2,3', '--out', path.join(dir, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nothing left to train on/);
    const both = cli(['train', path.join(dir, 'data'), '--val', '3', '--seed', '1', '--seeds', '1,2', '--out', path.join(dir, 'x')]);
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/--seed or --seeds, not both/)]);
    expect(cli(['train', path.join(dir, 'data'), '--val', '3', '--seeds', '1,1', '--out', path.join(dir, 'x')]).stderr).toMatch(/each seed once/);
  });
});
