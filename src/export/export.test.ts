// Exports a radiologist opens elsewhere: a NIfTI whose affine puts voxels where the CT's DICOM
// headers say (LPS → RAS), a DICOM SEG that names the CT slices it came from and gives the same
// voxels back (through our reader, and parsed independently by dicom-parser), and a PNG montage.
import dicomParser from 'dicom-parser';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { geometryFromSlices, rasAffine, type VolumeGeometry } from './geometry';
import { readNifti, writeNifti } from './nifti';
import { readDicomSeg, SEGMENTATION_STORAGE, writeDicomSeg } from './dicomSeg';
import { encodePng } from './png';
import { chooseMontageSlices, renderMontage } from './montage';
import type { SliceHeader } from '../dicom/types';

function randomLabels(n: number, seed = 3): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 28) & 1);
}

/** An anisotropic CT of 5 slices, rotated in-plane, going from feet to head, as the headers would say. */
function ctHeaders(): SliceHeader[] {
  const c = Math.cos(0.1);
  const s = Math.sin(0.1);
  return Array.from({ length: 5 }, (_, k) => ({
    instanceNumber: k + 1,
    rows: 6,
    columns: 7,
    pixelSpacing: [0.7, 0.8],
    sliceThickness: 2.5,
    imagePositionPatient: [-100, -120, -50 + k * 2.5],
    imageOrientationPatient: [c, s, 0, -s, c, 0],
    seriesInstanceUid: '1.2.3.4.5',
    sopInstanceUid: `1.2.3.4.5.${k + 1}`,
    studyInstanceUid: '1.2.3.4',
    modality: 'CT',
    patientName: 'Phantom.9',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    bitsAllocated: 16,
    bitsStored: 16,
    pixelRepresentation: 1,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    rescaleSlope: 1,
    rescaleIntercept: -1024,
    pixelPaddingValue: null,
    windowCenter: null,
    windowWidth: null,
  }));
}

describe('NIfTI', () => {
  it('writes .nii.gz that reads back with the same shape, voxels and an affine mapping each voxel to the DICOM position in RAS', () => {
    const ct = ctHeaders();
    const g = geometryFromSlices(ct);
    const labels = randomLabels(7 * 6 * 5);
    const file = writeNifti(labels, g);
    expect([file[0], file[1]]).toEqual([0x1f, 0x8b]);
    const back = readNifti(file);
    expect(back.dims).toEqual([7, 6, 5]);
    expect(back.pixdim[0]).toBeCloseTo(0.8, 5);
    expect(back.pixdim[1]).toBeCloseTo(0.7, 5);
    expect(back.pixdim[2]).toBeCloseTo(2.5, 5);
    expect(back.intentCode).toBe(1002);
    expect(back.data).toEqual(labels);
    // Voxel (i, j, k) must land on IPP_k + i·Δc·row + j·Δr·col in LPS, i.e. (−x, −y, z) in RAS.
    for (const [i, j, k] of [[0, 0, 0], [6, 0, 0], [0, 5, 0], [3, 2, 4]]) {
      const ipp = ct[k].imagePositionPatient!;
      const iop = ct[k].imageOrientationPatient!;
      const lps = [0, 1, 2].map((a) => ipp[a] + i * 0.8 * iop[a] + j * 0.7 * iop[3 + a]);
      const ras = [-lps[0], -lps[1], lps[2]];
      // sform to float32 precision; the qform's quaternion (float32, a ≈ 0 near 180° about z) to 0.005 mm.
      for (const [affine, digits] of [[back.affine, 3], [back.qformAffine, 2]] as const) {
        const mapped = [0, 1, 2].map((r) => affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3]);
        mapped.forEach((v, a) => expect(v).toBeCloseTo(ras[a], digits));
      }
    }
  });
  it('a plain axial stack: the affine is diag(−Δc, −Δr, Δs) (LPS → RAS flips x and y), qform agrees', () => {
    const g: VolumeGeometry = { width: 4, height: 3, slices: 2, spacing: [0.5, 0.6, 2], origin: [10, 20, 30], rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], sliceDirection: [0, 0, 1], fromDicom: true };
    expect(rasAffine(g)).toEqual([[-0.6, 0, 0, -10], [0, -0.5, 0, -20], [0, 0, 2, 30], [0, 0, 0, 1]]);
    const back = readNifti(writeNifti(new Uint8Array(24), g));
    back.qformAffine.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(rasAffine(g)[r][c], 5)));
  });
});

describe('DICOM SEG', () => {
  it('writes a binary Segmentation (one Liver segment, SNOMED codes) that references each CT slice and reads back to the same voxels', () => {
    const ct = ctHeaders();
    const g = geometryFromSlices(ct);
    const labels = randomLabels(7 * 6 * 5, 11);
    const bytes = writeDicomSeg(labels, {
      patientName: 'Phantom.9',
      studyInstanceUid: '1.2.3.4',
      seriesInstanceUid: '1.2.3.4.5',
      frameOfReferenceUid: null,
      sopInstanceUids: ct.map((s) => s.sopInstanceUid!),
      geometry: g,
    }, { uidSeed: 'test' });
    const back = readDicomSeg(bytes);
    expect([back.rows, back.columns, back.frames]).toEqual([6, 7, 5]);
    expect(back.labels).toEqual(labels);
    expect(back.segmentLabels).toEqual(['Liver']);
    expect(back.referencedSeriesUid).toBe('1.2.3.4.5');
    expect(back.referencedSopInstanceUids).toEqual(ct.map((s) => s.sopInstanceUid));
    back.positions.forEach((p, k) => p.forEach((v, a) => expect(v).toBeCloseTo(ct[k].imagePositionPatient![a], 4)));

    // Independently, with dicom-parser: SOP class, modality, the referenced series, the codes, the bits.
    const ds = dicomParser.parseDicom(bytes);
    expect(ds.string('x00080016')).toBe(SEGMENTATION_STORAGE);
    expect(ds.string('x00020002')).toBe(SEGMENTATION_STORAGE);
    expect(ds.string('x00080060')).toBe('SEG');
    expect(ds.string('x00620001')).toBe('BINARY');
    expect(ds.uint16('x00280100')).toBe(1);
    const series = ds.elements.x00081115.items![0].dataSet!;
    expect(series.string('x0020000e')).toBe('1.2.3.4.5');
    expect(series.elements.x0008114a.items!.map((i) => i.dataSet!.string('x00081155'))).toEqual(ct.map((s) => s.sopInstanceUid));
    const segment = ds.elements.x00620002.items![0].dataSet!;
    expect(segment.elements.x00620003.items![0].dataSet!.string('x00080100')).toBe('123037004');
    expect(segment.elements.x0062000f.items![0].dataSet!.string('x00080100')).toBe('10200004');
    expect(segment.elements.x0062000f.items![0].dataSet!.string('x00080104')).toBe('Liver');
    const pixel = ds.elements.x7fe00010;
    const bits = bytes.subarray(pixel.dataOffset, pixel.dataOffset + Math.ceil(labels.length / 8));
    for (let i = 0; i < labels.length; i++) expect((bits[i >> 3] >> (i & 7)) & 1).toBe(labels[i]);
  });
});

describe('PNG montage', () => {
  it('tiles the chosen slices and encodes a valid PNG whose pixels inflate back', () => {
    const [w, h, d] = [8, 6, 10];
    const pixels = new Uint8Array(w * h * d).fill(100);
    const prediction = new Uint8Array(w * h * d);
    prediction.fill(1, 3 * w * h, 5 * w * h);
    const slices = chooseMontageSlices(prediction, null, w * h, 6);
    expect(slices).toEqual([3, 4]);
    const m = renderMontage({ width: w, height: h, pixels, prediction }, slices, 3);
    expect([m.width, m.height]).toEqual([16, 6]);
    const png = encodePng(m.rgba, m.width, m.height);
    expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const idatAt = 8 + 25;
    const length = new DataView(png.buffer, png.byteOffset).getUint32(idatAt);
    const raw = unzlibSync(png.subarray(idatAt + 8, idatAt + 8 + length));
    expect(raw.length).toBe((16 * 4 + 1) * 6);
    expect(Array.from(raw.subarray(1, 5))).toEqual(Array.from(m.rgba.subarray(0, 4)));
  });
});
