// The exported .nii.gz read back by readers that are not ours: nifti-reader-js (npm) always, and
// nibabel (Debian's python3-nibabel) when it imports — skipped, saying so, when it does not. Each
// must see the shape, uint8 labels, the voxels, and sform = qform = the voxel → RAS map that the
// CT's DICOM headers give (ImagePositionPatient + ImageOrientationPatient + spacing, LPS → RAS).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { geometryFromSlices } from './geometry';
import { writeNifti } from './nifti';
import type { SliceHeader } from '../dicom/types';

interface Ct {
  name: string;
  headers: Pick<SliceHeader, 'rows' | 'columns' | 'pixelSpacing' | 'imagePositionPatient' | 'imageOrientationPatient' | 'sliceThickness'>[];
  axcodes: string;
}

/** Slices of `rows`×`cols` at `spacing`, rotated by `angle` in-plane, stepping `dz` mm per slice. */
function ct(name: string, angle: number, dz: number, axcodes: string): Ct {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const headers = Array.from({ length: 5 }, (_, k) => ({
    rows: 6,
    columns: 7,
    pixelSpacing: [0.7, 0.8] as [number, number],
    sliceThickness: Math.abs(dz),
    imagePositionPatient: [-100, -120, -50 + k * dz] as [number, number, number],
    imageOrientationPatient: [c, s, 0, -s, c, 0] as [number, number, number, number, number, number],
  }));
  return { name, headers, axcodes };
}

const CASES: Ct[] = [
  ct('axial, feet → head (IRCADb order)', 0, 2.5, 'LPS'),
  ct('axial, head → feet (left-handed voxel frame, qfac −1)', 0, -2.5, 'LPI'),
  ct('rotated 0.3 rad in-plane', 0.3, 2.5, 'LPS'),
];

function labels(n: number): Uint8Array {
  let s = 7;
  return Uint8Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 29) & 1);
}

/** RAS position of voxel (i, j, k) from the DICOM headers alone. */
function rasOf(c: Ct, i: number, j: number, k: number): number[] {
  const h = c.headers[k];
  const [dr, dc] = h.pixelSpacing!;
  const iop = h.imageOrientationPatient!;
  const lps = [0, 1, 2].map((a) => h.imagePositionPatient![a] + i * dc * iop[a] + j * dr * iop[3 + a]);
  return [-lps[0], -lps[1], lps[2]];
}

function expectMaps(affine: number[][], c: Ct, digits: number): void {
  for (const [i, j, k] of [[0, 0, 0], [6, 0, 0], [0, 5, 0], [0, 0, 4], [3, 2, 4]]) {
    const mapped = [0, 1, 2].map((r) => affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3]);
    const want = rasOf(c, i, j, k);
    mapped.forEach((v, a) => expect(v, `${c.name}: voxel ${[i, j, k]} axis ${a}`).toBeCloseTo(want[a], digits));
  }
}

function exported(c: Ct) {
  const data = labels(7 * 6 * 5);
  const g = geometryFromSlices(c.headers as SliceHeader[]);
  return { data, file: writeNifti(data, g) };
}

describe('exported NIfTI through nifti-reader-js', () => {
  for (const c of CASES) {
    it(`${c.name}: shape, uint8, voxels, sform and qform on the DICOM positions`, () => {
      const { data, file } = exported(c);
      const buffer = file.slice().buffer;
      expect(nifti.isCompressed(buffer)).toBe(true);
      const raw = nifti.decompress(buffer) as ArrayBuffer;
      expect(nifti.isNIFTI1(raw)).toBe(true);
      const header = nifti.readHeader(raw) as nifti.NIFTI1;
      expect(header.dims.slice(0, 4)).toEqual([3, 7, 6, 5]);
      expect(header.datatypeCode).toBe(nifti.NIFTI1.TYPE_UINT8);
      expect(header.pixDims[1]).toBeCloseTo(0.8, 5);
      expect(header.pixDims[2]).toBeCloseTo(0.7, 5);
      expect(header.pixDims[3]).toBeCloseTo(2.5, 5);
      expect([header.qform_code, header.sform_code]).toEqual([1, 1]);
      expect(new Uint8Array(nifti.readImage(header, raw))).toEqual(data);
      expectMaps(header.affine, c, 3);
      expectMaps(header.getQformMat(), c, 2);
    });
  }
});

/** Debian's python3 first (python3-nibabel), then whatever python3 is on the PATH. */
function nibabelPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import nibabel, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return null;
}

const python = nibabelPython();

describe.skipIf(!python)('exported NIfTI through nibabel', () => {
  if (!python) console.log('nibabel tests skipped: python3 cannot import nibabel (apt-get install python3-nibabel)');
  const script = `
import json, sys, nibabel as nib, numpy as np
img = nib.load(sys.argv[1])
hdr = img.header
data = np.asanyarray(img.dataobj)
print(json.dumps({
  "shape": list(img.shape), "dtype": str(hdr.get_data_dtype()), "intent": int(hdr["intent_code"]),
  "zooms": [float(z) for z in hdr.get_zooms()],
  "sform": hdr.get_sform().tolist(), "qform": hdr.get_qform().tolist(),
  "codes": [int(hdr["qform_code"]), int(hdr["sform_code"])],
  "axcodes": "".join(nib.aff2axcodes(img.affine)),
  "voxels": data.transpose(2, 1, 0).ravel().astype(int).tolist(),
}))`;
  for (const c of CASES) {
    it(`${c.name}: nibabel sees the same shape, voxels and affine (axis codes ${c.axcodes})`, () => {
      const { data, file } = exported(c);
      const path = join(mkdtempSync(join(tmpdir(), 'liverlab-nii-')), 'pred.nii.gz');
      writeFileSync(path, file);
      const r = spawnSync(python!, ['-c', script, path], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as { shape: number[]; dtype: string; intent: number; zooms: number[]; sform: number[][]; qform: number[][]; codes: number[]; axcodes: string; voxels: number[] };
      expect(out.shape).toEqual([7, 6, 5]);
      expect(out.dtype).toBe('uint8');
      expect(out.intent).toBe(1002);
      out.zooms.forEach((z, a) => expect(z).toBeCloseTo([0.8, 0.7, 2.5][a], 5));
      expect(out.codes).toEqual([1, 1]);
      expect(out.axcodes).toBe(c.axcodes);
      expect(Uint8Array.from(out.voxels)).toEqual(data);
      expectMaps(out.sform, c, 3);
      expectMaps(out.qform, c, 2);
    });
  }
});
