// Reading NIfTI volumes (.nii, .nii.gz, NIfTI-1 and -2) — the CT and label volumes of LiTS and of
// the Medical Segmentation Decathlon — on top of nifti-reader-js (the header structs, both versions,
// either byte order; its voxel → RAS affine: the sform, or the qform when its code is the higher one,
// or the voxel sizes), gzip by fflate. What LiverLab needs of a file: a 3-D scalar volume, its affine,
// and its voxels with scl_slope/scl_inter. Whole files and their first bytes alike (a scan reads a CT
// volume's header only: a few KB of a .nii.gz inflate to it).
// Pure: typed arrays in, a Result out; never throws (a bad file is a Problem naming it).
import * as nifti from 'nifti-reader-js';
import { Gunzip, gunzipSync } from 'fflate';
import type { Problem, Result } from '../common/types';

/** A NIfTI file's header, as LiverLab uses it. */
export interface NiftiHeader {
  /** Voxels along i, j, k. */
  dims: [number, number, number];
  /** Rows of the 4×4 voxel (i, j, k) → RAS mm affine. */
  affine: number[][];
  /** NIfTI datatype code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 256 int8, 512 uint16, 768 uint32). */
  datatype: number;
  /** Stored value × slope + intercept is the real value (slope 1, intercept 0 when the file says none). */
  slope: number;
  intercept: number;
  littleEndian: boolean;
  voxOffset: number;
  bitsPerVoxel: number;
}

export type NiftiVoxels = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** A NIfTI volume: its header and its stored voxels, i fastest then j then k (NIfTI's own order). */
export interface NiftiVolume extends NiftiHeader {
  voxels: NiftiVoxels;
}

/** True for `.nii` and `.nii.gz` paths (any case). */
export function isNiftiPath(path: string): boolean {
  return /\.nii(\.gz)?$/i.test(path);
}

/** Bytes handed to the header parser: the header and any extensions before the voxels. */
const HEADER_READ_BYTES = 1 << 20;

const SCALAR_TYPES: Record<number, { name: string; bytes: number }> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
};

/**
 * The header from a file's bytes, or from only its first bytes (`whole` false: a .nii.gz is inflated
 * as far as they go). Null when those bytes end before the header does: read the whole file then.
 */
export function readNiftiHeader(bytes: Uint8Array, file: string, whole = true): Result<NiftiHeader> | null {
  const data = whole ? inflateAll(bytes, file) : inflateStart(bytes);
  if (data === null) return null;
  if ('problem' in data) return data;
  if (data.length < 348) return whole ? fail(file, `${data.length} bytes: too short for a NIfTI header`) : null;
  try {
    // The header and its extensions, not the voxels: nifti-reader-js wants its own ArrayBuffer.
    const head = data.subarray(0, Math.min(data.length, HEADER_READ_BYTES));
    const buffer = head.buffer.slice(head.byteOffset, head.byteOffset + head.byteLength) as ArrayBuffer;
    if (!nifti.isNIFTI(buffer)) return fail(file, 'not a NIfTI file (no n+1 / n+2 magic in the header)');
    const header = checkHeader(nifti.readHeader(buffer), file);
    // A whole file (or a .nii whose size is known) must hold every voxel its header promises.
    return header.ok && whole ? checkLength(header.value, data.length, file) : header;
  } catch (e) {
    return whole ? fail(file, `unreadable NIfTI header (${e instanceof Error ? e.message : String(e)})`) : null;
  }
}

/** The whole volume: header and voxels (a copy in their own buffer, in the machine's byte order). */
export function readNiftiVolume(bytes: Uint8Array, file: string): Result<NiftiVolume> {
  const data = inflateAll(bytes, file);
  if ('problem' in data) return data;
  const header = readNiftiHeader(data, file);
  if (header === null || !header.ok) return header ?? fail(file, 'unreadable NIfTI header');
  const h = header.value;
  const count = h.dims[0] * h.dims[1] * h.dims[2];
  return { ok: true, value: { ...h, voxels: voxelsOf(data, h.voxOffset, count, h.datatype, h.littleEndian) } };
}

/** The header, or `truncated` when `length` bytes cannot hold its voxels. */
export function checkLength(h: NiftiHeader, length: number, file: string): Result<NiftiHeader> {
  const type = SCALAR_TYPES[h.datatype];
  const bytes = h.dims[0] * h.dims[1] * h.dims[2] * type.bytes;
  if (length >= h.voxOffset + bytes) return { ok: true, value: h };
  return fail(file, `truncated: ${Math.max(0, length - h.voxOffset)} bytes of voxels, expected ${bytes} (${h.dims.join('×')} ${type.name})`);
}

function checkHeader(h: nifti.NIFTI1 | nifti.NIFTI2, file: string): Result<NiftiHeader> {
  const rank = h.dims[0];
  const extra = h.dims.slice(4, Math.max(4, rank + 1)).filter((d) => d > 1);
  if (rank < 3 || extra.length > 0) {
    const shape = h.dims.slice(1, rank + 1).join('×');
    return fail(file, `not a 3-D scalar volume: ${rank}-D, ${shape} voxels (LiverLab reads one 3-D CT or label volume per file)`);
  }
  const dims: [number, number, number] = [h.dims[1], h.dims[2], h.dims[3]];
  if (dims.some((d) => !(d >= 1))) return fail(file, `not a 3-D scalar volume: ${dims.join('×')} voxels`);
  const type = SCALAR_TYPES[h.datatypeCode];
  if (!type) return fail(file, `not a 3-D scalar volume: NIfTI datatype ${h.datatypeCode} (${h.numBitsPerVoxel} bits a voxel; LiverLab reads integer and float scalars)`);
  const affine = h.affine.map((row) => row.map((v) => v + 0));
  const columns = [0, 1, 2].map((c) => Math.hypot(affine[0][c], affine[1][c], affine[2][c]));
  if (affine.flat().some((v) => !Number.isFinite(v)) || columns.some((len) => !(len > 1e-6))) {
    return fail(file, 'the header gives no usable orientation (its affine is degenerate): the voxels cannot be placed in the patient');
  }
  const slope = Number.isFinite(h.scl_slope) && h.scl_slope !== 0 ? h.scl_slope : 1;
  const intercept = Number.isFinite(h.scl_inter) && h.scl_slope !== 0 ? h.scl_inter : 0;
  return {
    ok: true,
    value: { dims, affine, datatype: h.datatypeCode, slope, intercept, littleEndian: h.littleEndian, voxOffset: h.vox_offset, bitsPerVoxel: h.numBitsPerVoxel },
  };
}

function voxelsOf(data: Uint8Array, offset: number, count: number, datatype: number, littleEndian: boolean): NiftiVoxels {
  const bytes = SCALAR_TYPES[datatype].bytes;
  const copy = data.slice(offset, offset + count * bytes);
  const machineLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (bytes > 1 && littleEndian !== machineLittle) {
    for (let i = 0; i < copy.length; i += bytes) copy.subarray(i, i + bytes).reverse();
  }
  const buffer = copy.buffer;
  switch (datatype) {
    case 2:
      return copy;
    case 256:
      return new Int8Array(buffer);
    case 4:
      return new Int16Array(buffer);
    case 512:
      return new Uint16Array(buffer);
    case 8:
      return new Int32Array(buffer);
    case 768:
      return new Uint32Array(buffer);
    case 16:
      return new Float32Array(buffer);
    default:
      return new Float64Array(buffer);
  }
}

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

function inflateAll(bytes: Uint8Array, file: string): Uint8Array | { ok: false; problem: Problem } {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    return fail(file, `corrupt gzip data (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** As much of the inflated file as the first bytes give (a .nii's own bytes when not gzipped); null when nothing. */
function inflateStart(bytes: Uint8Array): Uint8Array | null {
  if (!isGzip(bytes)) return bytes;
  const chunks: Uint8Array[] = [];
  try {
    const gunzip = new Gunzip((chunk) => chunks.push(chunk));
    gunzip.push(bytes, false);
  } catch {
    // Whatever came out before the bytes ran out (or went bad) is all there is.
  }
  const length = chunks.reduce((sum, c) => sum + c.length, 0);
  if (length === 0) return null;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function fail(file: string, message: string): { ok: false; problem: Problem } {
  return { ok: false, problem: { file, message, severity: 'error' } };
}
