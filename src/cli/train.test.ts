// The CLI's train as a user runs it: phantom patients on disk, a validation patient named on the
// command line, a model saved in the format the app imports, and a JSON summary as the last line.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePhantomPatient } from '../phantom/phantom';
import { fromModelFiles, modelInputSize } from '../model/modelFiles';
import { runCliSync } from '../test-support/cliProcess';

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
    const run = cli(['train', path.join(dir, 'data'), '--val', '3', '--epochs', '2', '--base', '4', '--size', '64', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(summary).toMatchObject({ backend: 'wasm', epochs: 2, out });
    expect(Object.keys(summary.perPatientDice)).toEqual(['3Dircadb1.3']);
    expect(summary.valDice).toBeGreaterThanOrEqual(0);
    expect(summary.valDice).toBeLessThanOrEqual(1);
    expect(run.stderr).toMatch(/epoch 2\/2: loss -?\d/);
    const snapshot = fromModelFiles(readFileSync(path.join(out, 'model.json'), 'utf8'), new Map([['model.weights.bin', new Uint8Array(readFileSync(path.join(out, 'model.weights.bin'))).buffer]]));
    expect(modelInputSize(snapshot)).toEqual({ ok: true, size: 64 });
    const history = JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8'));
    expect(history.val).toEqual(['3Dircadb1.3']);
    expect(history.history).toHaveLength(2);
  });

  it('refuses a missing --val and a --val that is every patient, with exit 2', () => {
    expect(cli(['train', path.join(dir, 'data'), '--out', path.join(dir, 'x')]).stderr).toMatch(/--val is required/);
    const r = cli(['train', path.join(dir, 'data'), '--val', '1,2,3', '--out', path.join(dir, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nothing left to train on/);
  });
});
