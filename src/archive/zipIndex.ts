// Random-access zip reading: the central directory (with Zip64) lists every entry with its offset,
// so a wanted entry is read with one slice of the file and inflated on its own, and unwanted ones
// are never read. Hand-written because fflate has no random-access API (its Unzip must stream the
// whole file); this is ~100 lines of the PKWARE APPNOTE. Pure: no DOM, no Node APIs.

export interface ZipEntryInfo {
  name: string;
  /** 0 stored, 8 deflate; others are reported as unsupported. */
  method: number;
  compressedSize: number;
  size: number;
  /** CRC-32 of the uncompressed data, as the central directory records it. */
  crc: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function u64(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
}

/** Lists the entries of a zip of `size` bytes; throws ZipFormatError when it is not a readable zip. */
export async function readZipIndex(read: ReadRange, size: number): Promise<ZipEntryInfo[]> {
  if (size < 22) throw new ZipFormatError(size === 0 ? 'empty file, not a zip' : 'not a zip file');
  const tailStart = Math.max(0, size - 22 - MAX_COMMENT);
  const tail = await read(tailStart, size);
  const tv = view(tail);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    const head = await read(0, Math.min(4, size));
    const looksZip = head.length === 4 && view(head).getUint32(0, true) === LOCAL;
    throw new ZipFormatError(looksZip ? 'truncated zip: its central directory (end of file) is missing' : 'not a zip file');
  }
  let count = tv.getUint16(at + 10, true);
  let cdSize = tv.getUint32(at + 12, true);
  let cdOffset = tv.getUint32(at + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = at - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== ZIP64_LOCATOR) throw new ZipFormatError('Zip64 locator missing');
    const eocd64At = u64(tv, loc + 8);
    const e = view(await read(eocd64At, eocd64At + 56));
    if (e.getUint32(0, true) !== ZIP64_EOCD) throw new ZipFormatError('Zip64 end record missing');
    count = u64(e, 32);
    cdSize = u64(e, 40);
    cdOffset = u64(e, 48);
  }
  if (cdOffset + cdSize > size) throw new ZipFormatError('truncated zip: the central directory points past the end of the file');
  const cd = await read(cdOffset, cdOffset + cdSize);
  const dv = view(cd);
  const decoder = new TextDecoder();
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || dv.getUint32(p, true) !== CENTRAL) throw new ZipFormatError(`corrupt central directory at entry ${i + 1} of ${count}`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let uncompressed = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localHeaderOffset = dv.getUint32(p + 42, true);
    const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLen));
    // Zip64 extended information: the fields that overflowed, in this order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = dv.getUint16(e, true);
      const len = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressed === 0xffffffff) {
          uncompressed = u64(dv, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(dv, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(dv, q);
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, size: uncompressed, crc, localHeaderOffset, encrypted: (flags & 1) === 1 });
    p = extraEnd + commentLen;
  }
  return entries;
}

/** The compressed bytes of one entry (after its local header), or only their first `maxBytes`. */
export async function readEntryData(read: ReadRange, size: number, entry: ZipEntryInfo, maxBytes = Infinity): Promise<Uint8Array> {
  const at = entry.localHeaderOffset;
  if (at + 30 > size) throw new ZipFormatError('truncated zip: entry header past the end of the file');
  const header = view(await read(at, at + 30));
  if (header.getUint32(0, true) !== LOCAL) throw new ZipFormatError('corrupt entry header');
  const start = at + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  const end = start + entry.compressedSize;
  if (end > size) throw new ZipFormatError('truncated zip: entry data past the end of the file');
  return read(start, Math.min(end, start + maxBytes));
}
