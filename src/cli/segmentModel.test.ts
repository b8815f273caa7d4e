// `segment --model DIR` picks the model's .json in a folder: the one tfjs layers model .json (with
// modelTopology and weightsManifest) — model.json when there are several — so the folder `cli train
// --out DIR` writes (model.json, its .bin, history.json) loads; a folder with no model, or with two
// and no model.json, is refused and the message names what was found. In-process, on a seeded
// untrained UNet (the weights' values do not matter here).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../model/backends';
import { snapshotModel } from '../model/checkpoint';
import { toModelFiles, type ModelFiles } from '../model/modelFiles';
import { unet } from '../model/unet';
import { loadModelFiles } from './segment';

const work = mkdtempSync(path.join(tmpdir(), 'liverlab-segment-model-'));
let files64: ModelFiles;
let files128: ModelFiles;

async function filesOf(size: number, name: string): Promise<ModelFiles> {
  const model = unet({ baseFilters: 2, size, seed: 1 });
  const files = toModelFiles(await snapshotModel(model), name);
  model.dispose();
  return files;
}

function folder(name: string, models: Record<string, ModelFiles>, others: Record<string, string> = {}): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [json, files] of Object.entries(models)) {
    writeFileSync(path.join(dir, json), files.modelJson);
    writeFileSync(path.join(dir, files.weightsName), new Uint8Array(files.weights));
  }
  for (const [file, text] of Object.entries(others)) writeFileSync(path.join(dir, file), text);
  return dir;
}

beforeAll(async () => {
  await chooseBackend('cpu');
  files64 = await filesOf(64, 'model');
  files128 = await filesOf(128, 'other');
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const HISTORY = JSON.stringify({ settings: { epochs: 3 }, train: ['Train.1'], val: ['Train.2'], history: [{ epoch: 1, loss: -0.5 }] }, null, 1);

describe('segment --model', () => {
  it('takes the folder `cli train --out` writes: model.json, its weights and history.json', async () => {
    const loaded = await loadModelFiles(folder('trained', { 'model.json': files64 }, { 'history.json': HISTORY }));
    expect(typeof loaded).not.toBe('string');
    expect(loaded).toMatchObject({ size: 64, file: 'model.json' });
  });

  it('takes the one layers model .json of a folder whatever its name, other .json ignored', async () => {
    const loaded = await loadModelFiles(folder('named', { 'tiny-unet.json': files128 }, { 'history.json': HISTORY, 'notes.json': '{"a":1}', 'broken.json': '{' }));
    expect(loaded).toMatchObject({ size: 128, file: 'tiny-unet.json' });
  });

  it('prefers model.json when the folder holds another layers model', async () => {
    const loaded = await loadModelFiles(folder('two-with-model', { 'model.json': files64, 'other.json': files128 }));
    expect(loaded).toMatchObject({ size: 64, file: 'model.json' });
  });

  it('refuses two layers models without a model.json, and a folder without any, naming the files', async () => {
    const two = folder('two', { 'a.json': files64, 'b.json': files128 });
    expect(await loadModelFiles(two)).toBe(`${two}: expected one tfjs layers model .json, found a.json, b.json`);
    const none = folder('none', {}, { 'history.json': HISTORY });
    expect(await loadModelFiles(none)).toBe(`${none}: no tfjs layers model .json (one with modelTopology and weightsManifest); found history.json`);
  });

  it('takes a .json given by path, and says when it is not a layers model', async () => {
    const dir = folder('by-path', { 'model.json': files64 }, { 'history.json': HISTORY });
    expect(await loadModelFiles(path.join(dir, 'model.json'))).toMatchObject({ size: 64, file: 'model.json' });
    expect(await loadModelFiles(path.join(dir, 'history.json'))).toMatch(/^history\.json: model\.json is not a tfjs layers model/);
  });
});
