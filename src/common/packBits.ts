// PackBits (Apple; TIFF compression 32773; the segments of DICOM RLE Lossless, PS3.5 Annex G): a
// header byte n, then n+1 literal bytes (0 ≤ n ≤ 127) or one byte repeated 1−n times (−127 ≤ n ≤ −1);
// −128 is skipped. Used to decode DICOM RLE and to keep cached slices small: a CLAHE'd CT slice is
// ~55 % runs (air and table around the body), so it packs to ~45 % at about the cost of a copy, and every
// byte not written saves the browser more than packing costs (see storage/sliceRecords.ts).
// Hand-written: a few lines, on typed arrays, no allocation; the npm packages are no smaller or faster.
// Pure: runs everywhere.

/** The most bytes `length` bytes can pack to (all literals: a header per 128). */
export function packBitsBound(length: number): number {
  return length + Math.ceil(length / 128);
}

/**
 * PackBits of `src[from..to)` written into `out` from `at` (room for packBitsBound(to − from) bytes);
 * returns where the packed bytes end. Runs of 3 or more equal bytes are repeats, the rest literals
 * (what TIFF's and DICOM's encoders do).
 */
export function packBits(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  let i = from;
  let o = at;
  while (i < to) {
    const v = src[i];
    let j = i + 1;
    const runEnd = Math.min(to, i + 128);
    while (j < runEnd && src[j] === v) j++;
    if (j - i >= 3) {
      out[o++] = 257 - (j - i); // −(count − 1) as a byte
      out[o++] = v;
      i = j;
      continue;
    }
    // Literals, copied while scanning (a, b, c: the next three bytes), up to where three equal bytes
    // start or 128 bytes; the header is written last.
    const litEnd = Math.min(to, i + 128);
    const head = o++;
    let k = i;
    let a = src[k];
    let b = k + 1 < to ? src[k + 1] : -1;
    while (k < litEnd) {
      const c = k + 2 < to ? src[k + 2] : -2;
      if (a === b && b === c && k > i) break;
      out[o++] = a;
      a = b;
      b = c;
      k++;
    }
    out[head] = k - i - 1;
    i = k;
  }
  return o;
}

/** PackBits of `data[start..end)` into `out`; returns how many bytes were produced (beyond out.length is dropped). */
export function unpackBits(data: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let o = 0;
  let i = start;
  const size = out.length;
  while (i < end && o < size) {
    const n = (data[i++] << 24) >> 24;
    if (n >= 0) {
      const stop = Math.min(i + n + 1, end);
      for (const last = Math.min(stop, i + size - o); i < last; ) out[o++] = data[i++];
      i = stop;
    } else if (n !== -128) {
      if (i >= end) break;
      const stop = Math.min(o + 1 - n, size);
      out.fill(data[i++], o, stop);
      o = stop;
    }
  }
  return o;
}
