// The CLI's preprocess as a user runs it: real 3Dircadb1.17 zips → HDF5 that h5py (and h5wasm)
// read back with the reference layout and the reference pipeline's pixels; a --val split of
// phantom patients written to disk.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import h5wasm from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import { generatePhantomPatient } from '../phantom/phantom';
import { runCliSync } from '../test-support/cliProcess';

const repo = path.resolve(__dirname, '../..');
const shared = path.resolve(repo, '../shared');
const patient17 = path.join(shared, 'data/3Dircadb1.17');

function cli(args: string[]) {
  if (!existsSync(patient17)) throw new Error(`real test data missing: ${patient17} (../shared beside the repo)`);
  return runCliSync(args);
}

function lastJson(stdout: string) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

function hasH5py(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import h5py, numpy'], { encoding: 'utf8' }).status === 0;
}

describe('npm run cli -- preprocess', () => {
  it('writes 3Dircadb1.17 as the reference HDF5: (102, 512, 512, 1) float32, images /255 equal to the reference, masks 0/1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liverlab-h5-'));
    const out = path.join(dir, 'data.h5');
    const run = cli(['preprocess', patient17, '--organ', 'liver', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary.patients).toEqual([{ name: '3Dircadb1.17', split: 'train', start: 1, end: 113, kept: 102 }]);

    await h5wasm.ready;
    const f = new h5wasm.File(out, 'r');
    const images = f.get('images') as InstanceType<typeof h5wasm.Dataset>;
    const masks = f.get('masks') as InstanceType<typeof h5wasm.Dataset>;
    expect(images.shape).toEqual([102, 512, 512, 1]);
    expect(masks.shape).toEqual([102, 512, 512, 1]);
    expect(images.dtype).toBe('<f');
    const img = images.value as Float32Array;
    const msk = masks.value as Float32Array;
    f.close();
    const ref = gunzipSync(readFileSync(path.join(shared, 'reference/pipeline/3Dircadb1.17.images.u8.gz')));
    const refMask = gunzipSync(readFileSync(path.join(shared, 'reference/pipeline/3Dircadb1.17.masks.u8.gz')));
    let imageDiffs = 0;
    let maskDiffs = 0;
    for (let i = 0; i < ref.length; i++) {
      if (img[i] !== Math.fround(ref[i] / 255)) imageDiffs++;
      if (msk[i] !== refMask[i]) maskDiffs++;
    }
    expect({ imageDiffs, maskDiffs }).toEqual({ imageDiffs: 0, maskDiffs: 0 });

    if (hasH5py()) {
      const py = execFileSync('/usr/bin/python3', ['-c', `
import h5py, numpy as np, json
f = h5py.File(${JSON.stringify(out)}, 'r')
i, m = f['images'], f['masks']
print(json.dumps({'shape': list(i.shape), 'dtype': str(i.dtype), 'mshape': list(m.shape), 'mdtype': str(m.dtype),
  'min': float(i[:].min()), 'max': float(i[:].max()), 'masks': sorted(set(np.unique(m[:]).tolist())), 'maskSum': float(m[:].sum())}))
`], { encoding: 'utf8' });
      let lo = 255;
      let hi = 0;
      for (const v of ref) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      expect(JSON.parse(py)).toEqual({ shape: [102, 512, 512, 1], dtype: 'float32', mshape: [102, 512, 512, 1], mdtype: 'float32', min: Math.fround(lo / 255), max: Math.fround(hi / 255), masks: [0, 1], maskSum: 2094101 });
    } else {
      console.log('h5py not installed here: checked with h5wasm only (.ci/run installs python3-h5py)');
    }
  });

  it('splits phantom patients by --val into data.h5 and data.val.h5', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liverlab-h5val-'));
    for (const i of [1, 2, 3]) {
      for (const f of generatePhantomPatient({ name: `3Dircadb1.${i}`, size: 64, slices: 24, seed: i }).files) {
        mkdirSync(path.join(dir, 'data', path.dirname(f.path)), { recursive: true });
        writeFileSync(path.join(dir, 'data', f.path), f.bytes);
      }
    }
    const out = path.join(dir, 'data.h5');
    const run = cli(['preprocess', path.join(dir, 'data'), '--out', out, '--val', '3']);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary.patients.map((p: { name: string; split: string }) => `${p.name}:${p.split}`)).toEqual(['3Dircadb1.1:train', '3Dircadb1.2:train', '3Dircadb1.3:val']);
    expect(summary.valOut).toBe(path.join(dir, 'data.val.h5'));
    await h5wasm.ready;
    const train = new h5wasm.File(out, 'r');
    const val = new h5wasm.File(summary.valOut, 'r');
    const kept = (name: string) => summary.patients.filter((p: { name: string }) => p.name === name)[0].kept;
    expect((train.get('images') as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([kept('3Dircadb1.1') + kept('3Dircadb1.2'), 64, 64, 1]);
    expect((val.get('masks') as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([kept('3Dircadb1.3'), 64, 64, 1]);
    train.close();
    val.close();
  });

  it('refuses a --val patient that is not there, and a missing --out, with exit 2', () => {
    expect(cli(['preprocess', patient17, '--out', '/tmp/x.h5', '--val', '99']).status).toBe(2);
    const r = cli(['preprocess', patient17]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out is required/);
  });
});
