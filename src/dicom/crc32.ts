// CRC-32 (the zip/PNG polynomial 0xEDB88320), to check each inflated zip entry against the CRC its
// zip recorded: a flipped byte in stored data, or deflate data that inflates cleanly to the wrong
// bytes, is caught and named instead of reaching the DICOM reader. fflate keeps its CRC private,
// hence these few lines. Slicing-by-8 (8 table look-ups per 8 bytes) keeps it cheap next to inflating. Pure.

const TABLES = makeTables();

function makeTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t][n] = (tables[0][tables[t - 1][n] & 0xff] ^ (tables[t - 1][n] >>> 8)) >>> 0;
  }
  return tables;
}

/** CRC-32 of `bytes`, as an unsigned 32-bit number (what a zip's headers store). */
export function crc32(bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let crc = 0xffffffff;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const a = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    const b = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    crc =
      t7[a & 0xff] ^ t6[(a >>> 8) & 0xff] ^ t5[(a >>> 16) & 0xff] ^ t4[a >>> 24] ^
      t3[b & 0xff] ^ t2[(b >>> 8) & 0xff] ^ t1[(b >>> 16) & 0xff] ^ t0[b >>> 24];
  }
  for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
