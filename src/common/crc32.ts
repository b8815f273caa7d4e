// CRC-32 (the zip/PNG polynomial 0xEDB88320), to check each inflated zip entry against the CRC its
// zip recorded: a flipped byte in stored data, or deflate data that inflates cleanly to the wrong
// bytes, is caught and named instead of reaching the DICOM reader. fflate keeps its CRC private,
// hence these few lines. Slicing-by-8 (8 table look-ups per 8 bytes) keeps it cheap next to inflating. Pure.

// Module-level tables, not destructured per call (that went through the iterator protocol on every call).
const [T0, T1, T2, T3, T4, T5, T6, T7] = makeTables();

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
  const end8 = bytes.length - (bytes.length % 8);
  let crc = crcOfBlocks(bytes, end8);
  for (let i = end8; i < bytes.length; i++) crc = T0[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The running CRC over `bytes[0 .. end8)` (a multiple of 8), 8 bytes a step. Apart from the tail loop
 * so V8 optimises this loop alone: with both in one function, the code optimised mid-loop met the
 * never-run tail and was thrown away ~60 times a patient (--trace-deopt in a browser worker).
 */
function crcOfBlocks(bytes: Uint8Array, end8: number): number {
  let crc = 0xffffffff;
  for (let i = 0; i < end8; i += 8) {
    const a = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    const b = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    crc =
      T7[a & 0xff] ^ T6[(a >>> 8) & 0xff] ^ T5[(a >>> 16) & 0xff] ^ T4[a >>> 24] ^
      T3[b & 0xff] ^ T2[(b >>> 8) & 0xff] ^ T1[(b >>> 16) & 0xff] ^ T0[b >>> 24];
  }
  return crc;
}
