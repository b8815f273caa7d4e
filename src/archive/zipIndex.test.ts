// The central-directory reader on zips as real tools write them, including Zip64 records (written
// here by hand around an fflate zip, as tools do past 65 535 entries or 4 GiB).
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readEntryData, readZipIndex, ZipFormatError } from './zipIndex';
import { inflateRaw } from './inflate';

const text = (s: string) => new TextEncoder().encode(s);
const reader = (bytes: Uint8Array) => async (start: number, end: number) => bytes.slice(start, end);

function toZip64(zip: Uint8Array): Uint8Array {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  const count = dv.getUint16(eocd + 10, true);
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  const out = new Uint8Array(eocd + 56 + 20 + 22);
  out.set(zip.subarray(0, eocd));
  const o = new DataView(out.buffer);
  let p = eocd;
  o.setUint32(p, 0x06064b50, true);
  o.setBigUint64(p + 4, 44n, true);
  o.setUint16(p + 12, 45, true);
  o.setUint16(p + 14, 45, true);
  o.setBigUint64(p + 24, BigInt(count), true);
  o.setBigUint64(p + 32, BigInt(count), true);
  o.setBigUint64(p + 40, BigInt(cdSize), true);
  o.setBigUint64(p + 48, BigInt(cdOffset), true);
  p += 56;
  o.setUint32(p, 0x07064b50, true);
  o.setBigUint64(p + 8, BigInt(eocd), true);
  o.setUint32(p + 16, 1, true);
  p += 20;
  o.setUint32(p, 0x06054b50, true);
  o.setUint16(p + 8, 0xffff, true);
  o.setUint16(p + 10, 0xffff, true);
  o.setUint32(p + 12, 0xffffffff, true);
  o.setUint32(p + 16, 0xffffffff, true);
  return out;
}

describe('readZipIndex', () => {
  const files = { 'PATIENT_DICOM/image_0': text('slice zero'), 'PATIENT_DICOM/image_1': text('one '.repeat(3000)) };
  const zip = zipSync(files);

  it('lists entries with sizes and reads each one back on its own', async () => {
    const entries = await readZipIndex(reader(zip), zip.length);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['PATIENT_DICOM/image_0', 10],
      ['PATIENT_DICOM/image_1', 12000],
    ]);
    const data = await readEntryData(reader(zip), zip.length, entries[1]);
    expect(new TextDecoder().decode(await inflateRaw(data, entries[1].size, 1 << 20))).toBe('one '.repeat(3000));
  });

  it('reads a Zip64 end of central directory', async () => {
    const z64 = toZip64(zip);
    const entries = await readZipIndex(reader(z64), z64.length);
    expect(entries.map((e) => e.name)).toEqual(Object.keys(files));
  });

  it('names a file that is not a zip and a zip whose end is cut off', async () => {
    await expect(readZipIndex(reader(text('plain text, long enough to look')), 31)).rejects.toThrow(new ZipFormatError('not a zip file'));
    const cut = zip.subarray(0, zip.length - 30);
    await expect(readZipIndex(reader(cut), cut.length)).rejects.toThrow(/truncated zip/);
  });
});
