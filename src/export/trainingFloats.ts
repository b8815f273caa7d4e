// The HDF5 export's uint8 → float32 conversion (export/hdf5.ts): images as byte / 255 and masks as
// > 0 → 1, the reference Keras tutorial's training input, for ~27 M pixels a patient. Written for
// speed because it is a sizeable share of `cli preprocess`: images go two pixels at a time through a
// table of every byte pair, masks skip four zero bytes at a time. The result is bit for bit what
// `Math.fround(byte / 255)` and `byte > 0 ? 1 : 0` give. Pure: typed arrays only.
import { pixelWords } from '../common/pixelWords';

/** byte / 255 as float32, by a table of the 256 values (the same float32 as dividing each). */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let pairTable: Float64Array | null = null;

/**
 * Entry `b0 | b1 << 8` holds the floats of bytes b0 and b1 side by side (little endian), 8 bytes that
 * are copied as one double. Both floats lie in [0, 1], so the upper one makes the double's sign and
 * exponent those of a finite number: never a NaN, whose bits a copy might change. 512 KB, built once.
 */
function pairs(): Float64Array {
  if (!pairTable) {
    pairTable = new Float64Array(65536);
    const halves = new Float32Array(pairTable.buffer);
    for (let v = 0; v < 65536; v++) {
      halves[2 * v] = UNIT[v & 0xff];
      halves[2 * v + 1] = UNIT[v >>> 8];
    }
  }
  return pairTable;
}

/** `out[i] = bytes[i] / 255` as float32, for every byte (`out` at least as long). */
export function toUnitFloats(bytes: Uint8Array, out: Float32Array): void {
  const n = checkLengths('toUnitFloats', bytes, out);
  let i = 0;
  // Four bytes read as one word give two table entries: on a little-endian host, with the byte
  // view 4-aligned and the float view 8-aligned (else byte by byte, as for the last few).
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 && out.byteOffset % 8 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 2);
    const pairsOut = new Float64Array(out.buffer, out.byteOffset, 2 * words.length);
    const table = pairs();
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      pairsOut[2 * w] = table[word & 0xffff];
      pairsOut[2 * w + 1] = table[word >>> 16];
    }
    i = 4 * words.length;
  }
  for (; i < n; i++) out[i] = UNIT[bytes[i]];
}

/** `out[i] = bytes[i] > 0 ? 1 : 0`, for every byte (`out` at least as long). */
export function toBinaryFloats(bytes: Uint8Array, out: Float32Array): void {
  const n = checkLengths('toBinaryFloats', bytes, out);
  out.fill(0, 0, n);
  // Masks are mostly background: only the bytes of a non-zero word (common/pixelWords) are looked at.
  const { words, first, end } = pixelWords(bytes);
  for (let i = 0; i < first; i++) if (bytes[i] > 0) out[i] = 1;
  for (let w = 0; w < words.length; w++) {
    if (words[w] === 0) continue;
    for (let i = first + 4 * w, to = i + 4; i < to; i++) if (bytes[i] > 0) out[i] = 1;
  }
  for (let i = end; i < n; i++) if (bytes[i] > 0) out[i] = 1;
}

function checkLengths(step: string, bytes: Uint8Array, out: Float32Array): number {
  if (out.length < bytes.length) throw new RangeError(`${step}: out has ${out.length} values, the input ${bytes.length}`);
  return bytes.length;
}
