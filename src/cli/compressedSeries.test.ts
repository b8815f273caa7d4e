// A whole real series compressed: 3Dircadb1.17's 119 CT slices and liver masks re-encoded by dcmtk
// (CT as JPEG-LS with masks as RLE, and CT as RLE), then preprocessed through
// the same core the CLI and the workers use. The pixels must equal the uncompressed run and the
// reference pipeline's, byte for byte; and the CLI itself (Node) must inspect and preprocess them.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import h5wasm from 'h5wasm/node';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, hasTool, type Encoding } from '../../scripts/dicomEncoders';
import { collectNodeSources } from '../node/nodeSources';
import { DEFAULT_PIPELINE_PARAMS } from '../pipeline/params';
import { runPreprocessJob } from '../jobs/preprocess/wholePatient';
import type { SourceFile } from '../common/types';
import { runCliSync } from '../test-support/cliProcess';

const repo = resolve(__dirname, '../..');
const shared = resolve(repo, '../shared');
const PATIENT = '3Dircadb1.17';
const run = promisify(execFile);

/** Variant folder → encoding of the CT and of the liver masks (null: left uncompressed). */
const VARIANTS: Record<string, { ct: Encoding | null; masks: Encoding | null }> = {
  plain: { ct: null, masks: null },
  'jpegls-ct': { ct: encoding('jpeg-ls-lossless'), masks: encoding('rle') },
  'rle-ct': { ct: encoding('rle'), masks: null },
};
const tools = hasTool('dcmcjpls') && hasTool('dcmcrle');

let dir = '';

/** Runs `jobs` with at most `lanes` encoders at once (the machine is shared). */
async function inLanes(jobs: (() => Promise<unknown>)[], lanes = 3): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < jobs.length) await jobs[next++]();
  }));
}

beforeAll(async () => {
  if (!tools) return;
  dir = mkdtempSync(join(tmpdir(), 'liverlab-series-'));
  const ct = unzipSync(readFileSync(join(shared, 'data', PATIENT, 'PATIENT_DICOM.zip')));
  const masks = unzipSync(readFileSync(join(shared, 'data', PATIENT, 'MASKS_DICOM.zip')), { filter: (f) => f.name.startsWith('MASKS_DICOM/liver/') });
  const files = [...Object.entries(ct), ...Object.entries(masks)].filter(([name, bytes]) => !name.endsWith('/') && bytes.length > 0);
  const jobs: (() => Promise<unknown>)[] = [];
  for (const [variant, { ct: ctEnc, masks: maskEnc }] of Object.entries(VARIANTS)) {
    for (const [name, bytes] of files) {
      const out = join(dir, variant, PATIENT, name);
      mkdirSync(dirname(out), { recursive: true });
      const enc = name.startsWith('PATIENT_DICOM/') ? ctEnc : maskEnc;
      if (!enc) {
        writeFileSync(out, bytes);
        continue;
      }
      const raw = join(dir, 'raw', name);
      mkdirSync(dirname(raw), { recursive: true });
      writeFileSync(raw, bytes);
      jobs.push(() => run(enc.tool, enc.args(raw, out)));
    }
  }
  await inLanes(jobs);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function preprocess(variant: string) {
  const drop = await collectNodeSources([join(dir, variant, PATIENT)]);
  const outcome = await runPreprocessJob(null, {
    patient: PATIENT,
    sources: drop.sources as SourceFile[],
    params: { ...DEFAULT_PIPELINE_PARAMS },
    spacing: null,
  });
  if (!outcome.ok) throw new Error(`${variant}: ${outcome.problem.file}: ${outcome.problem.message}`);
  return outcome;
}

function transferSyntaxOf(file: string): string {
  const text = Buffer.from(readFileSync(file).subarray(0, 400)).toString('latin1');
  return /1\.2\.840\.10008\.1\.2[.\d]*/.exec(text.slice(text.indexOf('\x02\x00\x10\x00')))?.[0] ?? '';
}

describe.skipIf(!tools)(`${PATIENT} re-encoded as a whole series`, () => {
  it('the fixtures really are compressed, in the syntaxes asked for', () => {
    expect(transferSyntaxOf(join(dir, 'jpegls-ct', PATIENT, 'PATIENT_DICOM/image_0'))).toBe('1.2.840.10008.1.2.4.80');
    expect(transferSyntaxOf(join(dir, 'jpegls-ct', PATIENT, 'MASKS_DICOM/liver/image_0'))).toBe('1.2.840.10008.1.2.5');
    expect(transferSyntaxOf(join(dir, 'rle-ct', PATIENT, 'PATIENT_DICOM/image_0'))).toBe('1.2.840.10008.1.2.5');
  });

  it('preprocessing gives the same images and masks as the uncompressed series and the reference, byte for byte', async () => {
    const plain = await preprocess('plain');
    const ref = JSON.parse(readFileSync(join(shared, 'reference/pipeline', `${PATIENT}.json`), 'utf8'));
    const refImages = gunzipSync(readFileSync(join(shared, 'reference/pipeline', `${PATIENT}.images.u8.gz`)));
    const refMasks = gunzipSync(readFileSync(join(shared, 'reference/pipeline', `${PATIENT}.masks.u8.gz`)));
    for (const variant of ['jpegls-ct', 'rle-ct']) {
      const compressed = await preprocess(variant);
      const { start, end, kept, keptFrom, keptTo } = compressed.meta;
      expect({ start, end, kept, keptFrom, keptTo }).toEqual({ start: ref.start, end: ref.end, kept: ref.kept, keptFrom: ref.keptFrom, keptTo: ref.keptTo });
      expect(Buffer.compare(compressed.pixels!.images, plain.pixels!.images), `${variant} images`).toBe(0);
      expect(Buffer.compare(compressed.pixels!.masks, plain.pixels!.masks), `${variant} masks`).toBe(0);
      expect(Buffer.compare(compressed.pixels!.images, refImages), `${variant} images vs reference`).toBe(0);
      expect(Buffer.compare(compressed.pixels!.masks, refMasks), `${variant} masks vs reference`).toBe(0);
    }
  }, 600_000);

  it('the CLI (Node 20) inspects the JPEG-LS series with its RLE masks', () => {
    const inspect = runCliSync(['inspect', join(dir, 'jpegls-ct', PATIENT)]);
    expect(inspect.status, inspect.stderr).toBe(0);
    const patient = JSON.parse(inspect.stdout).patients[0];
    expect({ name: patient.name, usable: patient.usable, slices: patient.slices, uid: patient.transferSyntax?.uid }).toEqual({
      name: PATIENT,
      usable: true,
      slices: 119,
      uid: '1.2.840.10008.1.2.4.80',
    });
    // The RLE masks were decoded to find the liver's extent (the same as the uncompressed export's).
    expect(patient.organs).toEqual([{ organ: 'liver', slices: 119, nonEmptyRange: [1, 113] }]);
  }, 600_000);

  it('the CLI (Node 20) preprocesses the JPEG-LS series into the reference HDF5 pixels: CharLS WASM loads in Node', async () => {
    const out = join(dir, 'data.h5');
    const pre = runCliSync(['preprocess', join(dir, 'jpegls-ct', PATIENT), '--organ', 'liver', '--out', out]);
    expect(pre.status, pre.stderr).toBe(0);
    await h5wasm.ready;
    const f = new h5wasm.File(out, 'r');
    const images = (f.get('images') as InstanceType<typeof h5wasm.Dataset>).value as Float32Array;
    f.close();
    const ref = gunzipSync(readFileSync(join(shared, 'reference/pipeline', `${PATIENT}.images.u8.gz`)));
    let diffs = 0;
    for (let i = 0; i < ref.length; i++) if (images[i] !== Math.fround(ref[i] / 255)) diffs++;
    expect(images.length).toBe(ref.length);
    expect(diffs).toBe(0);
  }, 600_000);
});

describe.skipIf(tools)('whole-series decoding', () => {
  it.skip('dcmcjpls / dcmcrle are not installed (apt-get install dcmtk)', () => {});
});
