// The WASM codecs load on first use: before that the synchronous reader says so (it never guesses),
// readSliceAsync loads the codec and decodes, and from then on the synchronous reader decodes too.
// Pure-JS codecs (RLE) need no loading at all.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encoding, hasTool, reencode } from '../../../scripts/dicomEncoders';
import { readSlice, readSliceAsync } from '../parse';
import { isDecoderLoaded } from './index';

const dir = mkdtempSync(join(tmpdir(), 'liverlab-codec-loading-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function encoded(id: string): Uint8Array {
  const raw = join(dir, 'image_60');
  const zip = resolve(__dirname, '../../../../shared/data/3Dircadb1.17/PATIENT_DICOM.zip');
  writeFileSync(raw, unzipSync(readFileSync(zip), { filter: (f) => f.name === 'PATIENT_DICOM/image_60' })['PATIENT_DICOM/image_60']);
  const out = join(dir, `${id}.dcm`);
  reencode(encoding(id), raw, out);
  return new Uint8Array(readFileSync(out));
}

describe.skipIf(!hasTool('dcmcjpls') || !hasTool('dcmcrle'))('codec loading', () => {
  it('JPEG-LS: refused synchronously until loaded, then decoded both ways to the same pixels', async () => {
    const bytes = encoded('jpeg-ls-lossless');
    expect(isDecoderLoaded('1.2.840.10008.1.2.4.80')).toBe(false);
    const before = readSlice(bytes, 'drop/p/PATIENT_DICOM/image_60');
    expect(before.ok).toBe(false);
    if (!before.ok) {
      expect(before.problem.message).toBe(
        'cannot decode JPEG-LS Lossless Image Compression (1.2.840.10008.1.2.4.80) pixel data: ' +
          'the JPEG-LS decoder is not loaded yet (read with readSliceAsync)',
      );
    }
    const loaded = await readSliceAsync(bytes, 'drop/p/PATIENT_DICOM/image_60');
    expect(loaded.ok).toBe(true);
    expect(isDecoderLoaded('1.2.840.10008.1.2.4.81')).toBe(true); // near-lossless shares the codec
    const after = readSlice(bytes, 'drop/p/PATIENT_DICOM/image_60');
    if (!loaded.ok || !after.ok) throw new Error('not decoded');
    expect(Buffer.compare(Buffer.from(after.value.pixels.buffer), Buffer.from(loaded.value.pixels.buffer))).toBe(0);
    expect(isDecoderLoaded('1.2.840.10008.1.2.4.90')).toBe(false); // JPEG 2000 is loaded separately, only when needed
  });

  it('RLE decodes synchronously without any loading', () => {
    expect(isDecoderLoaded('1.2.840.10008.1.2.5')).toBe(true);
    const slice = readSlice(encoded('rle'), 'drop/p/PATIENT_DICOM/image_60');
    expect(slice.ok).toBe(true);
  });
});
