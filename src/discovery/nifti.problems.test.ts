// NIfTI files that cannot be used, next to good ones: a 4-D file, a label volume of another shape or
// affine than its CT, a label with no CT, a truncated file — each a message naming the file, the good
// volumes still patients. And a file written by nibabel (the reference NIfTI library) opens to the
// same images as the DICOM it was made from.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPatients } from './index';
import { loadCtSeries } from './loadPatientSeries';
import { patientFilesOf } from './patientSources';
import { readSlice } from '../dicom/parse';
import type { DicomSlice } from '../dicom/types';
import { AS_DICOM, huOf, niftiFromSeries, writeTestNifti } from '../test-support/niftiFiles';
import { phantom, SIZE, SLICES, type DropFile } from '../test-support/discoveryDrops';

/** A phantom patient's CT slices and liver masks, read back from its DICOM files. */
function phantomSeries(name: string, seed: number) {
  const read = (prefix: string): DicomSlice[] =>
    phantom(name, seed)
      .files.filter((f) => f.path.startsWith(`${name}/${prefix}`))
      .map((f) => {
        const r = readSlice(f.bytes, f.path);
        if (!r.ok) throw new Error(r.problem.message);
        return r.value;
      })
      .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  const ct = read('PATIENT_DICOM/');
  const px = SIZE * SIZE;
  const hu = new Int16Array(ct.length * px);
  ct.forEach((s, k) => huOf(s, hu.subarray(k * px, (k + 1) * px)));
  const liver = new Uint8Array(ct.length * px);
  read('MASKS_DICOM/liver/').forEach((m, k) => m.pixels.forEach((v, i) => (liver[k * px + i] = v > 0 ? 1 : 0)));
  return { ct, hu, liver };
}

describe('NIfTI files that cannot be used', () => {
  it('are named with what is wrong; the good volumes are still patients', async () => {
    const { ct, hu, liver } = phantomSeries('N', 3);
    const volume = niftiFromSeries(ct, hu, AS_DICOM, (n) => new Int16Array(n));
    const label = niftiFromSeries(ct, liver, AS_DICOM, (n) => new Uint8Array(n));
    const shorter = { ...label, dims: [SIZE, SIZE, SLICES - 1] as [number, number, number], data: label.data.slice(0, SIZE * SIZE * (SLICES - 1)) };
    const shifted = { ...label, affine: label.affine.map((row, r) => (r === 2 ? [...row.slice(0, 3), row[3] + 5] : row)) };
    const drop: DropFile[] = [
      { path: 'good/volume-1.nii.gz', bytes: writeTestNifti(volume) },
      { path: 'good/segmentation-1.nii.gz', bytes: writeTestNifti(label) },
      { path: 'short/volume-2.nii.gz', bytes: writeTestNifti(volume) },
      { path: 'short/segmentation-2.nii.gz', bytes: writeTestNifti(shorter) },
      { path: 'moved/volume-3.nii.gz', bytes: writeTestNifti(volume) },
      { path: 'moved/segmentation-3.nii.gz', bytes: writeTestNifti(shifted) },
      { path: 'alone/segmentation-4.nii.gz', bytes: writeTestNifti(label) },
      { path: 'fmri/run.nii.gz', bytes: writeTestNifti(volume, { dims4: [2] }) },
      { path: 'cut/scan.nii', bytes: writeTestNifti(volume, { gzip: false }).subarray(0, 2000) },
    ];
    const scan = await scanPatients(drop);
    expect(scan.patients.map((p) => [p.name, p.usable, p.organs.map((o) => o.organ)])).toEqual([
      ['volume-1', true, ['liver']],
      ['volume-2', true, []],
      ['volume-3', true, []],
    ]);
    const byName = (name: string) => scan.patients.find((p) => p.name === name)!;
    expect(byName('volume-1').problems).toEqual([]);
    expect(byName('volume-2').problems).toEqual([
      {
        file: 'short/segmentation-2.nii.gz',
        message: `label volume has ${SIZE}×${SIZE}×${SLICES - 1} voxels where the CT volume has ${SIZE}×${SIZE}×${SLICES}; not used as ground truth`,
        severity: 'error',
      },
    ]);
    expect(byName('volume-3').problems).toEqual([
      { file: 'moved/segmentation-3.nii.gz', message: expect.stringMatching(/^label volume has another affine than the CT volume's .*; not used as ground truth$/), severity: 'error' },
    ]);
    expect(scan.problems).toEqual([
      { file: 'fmri/run.nii.gz', message: `not a 3-D scalar volume: 4-D, ${SIZE}×${SIZE}×${SLICES}×2 voxels (LiverLab reads one 3-D CT or label volume per file)`, severity: 'error' },
      { file: 'cut/scan.nii', message: expect.stringMatching(/^truncated: \d+ bytes of voxels, expected 32768 \(32×32×16 int16\)$/), severity: 'error' },
      { file: 'alone/segmentation-4.nii.gz', message: expect.stringMatching(/^label volume with no CT volume of the same name in the drop/), severity: 'error' },
    ]);
  });
});

describe('a NIfTI file written by nibabel', () => {
  it('opens to the same Hounsfield units and positions as the DICOM it was made from', async () => {
    const { ct, hu } = phantomSeries('Nib', 5);
    const dir = mkdtempSync(path.join(tmpdir(), 'liverlab-nibabel-'));
    // nibabel's own writer, given the voxels in DICOM order and the affine that places them (RAS), and
    // asked to store them in its closest canonical (RAS+) orientation: columns reversed, rows reversed.
    const volume = niftiFromSeries(ct, hu, AS_DICOM, (n) => new Int16Array(n));
    writeFileSync(path.join(dir, 'voxels.raw'), volume.data);
    const script = [
      'import json, sys, numpy as np, nibabel as nib',
      `d = np.fromfile(sys.argv[1] + '/voxels.raw', dtype='<i2').reshape(${JSON.stringify([...volume.dims].reverse())}).transpose(2, 1, 0)`,
      'img = nib.as_closest_canonical(nib.Nifti1Image(d, np.array(json.loads(sys.argv[2]))))',
      "nib.save(img, sys.argv[1] + '/scan.nii.gz')",
    ].join('\n');
    const run = spawnSync('/usr/bin/python3', ['-c', script, dir, JSON.stringify(volume.affine)], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const drop = [{ path: 'scan.nii.gz', bytes: new Uint8Array(readFileSync(path.join(dir, 'scan.nii.gz'))) }];
    const scan = await scanPatients(drop);
    expect(scan.patients.map((p) => [p.name, p.ct.length, p.usable])).toEqual([['scan', SLICES, true]]);
    const series = await loadCtSeries(drop, patientFilesOf(scan.patients[0]), null);
    if (!series.ok) throw new Error(series.problem.message);
    const px = SIZE * SIZE;
    series.value.ct.forEach((slice, s) => {
      expect(Array.from(huOf(slice))).toEqual(Array.from(hu.subarray(s * px, (s + 1) * px)));
      slice.imagePositionPatient!.forEach((v, i) => expect(v).toBeCloseTo(ct[s].imagePositionPatient![i], 3));
    });
  });
});
