// The phantom's story: "generates Phantom.1…3 in the 3Dircadb layout; every file reads back as a real
// CT slice or 0/255 mask; the liver is a smooth, textured blob on the image left that starts and ends
// strictly inside the series; the same seed gives the same bytes".
import { describe, expect, it } from 'vitest';
import { readHeader, readSlice } from '../dicom/parse';
import type { DicomSlice } from '../dicom/types';
import { generatePhantomDataset, generatePhantomPatient, type PhantomPatient } from './phantom';
import { fillGaussian, inverseNormal, mulberry32 } from './random';

function read(path: string, bytes: Uint8Array): DicomSlice {
  const result = readSlice(bytes, path);
  if (!result.ok) throw new Error(`${result.problem.file}: ${result.problem.message}`);
  return result.value;
}

interface Series {
  ct: DicomSlice[];
  liver: DicomSlice[];
  bone: DicomSlice[];
}

/** Reads every file of a patient and groups it by role, checking that `image_K` holds InstanceNumber K. */
function readPatient(patient: PhantomPatient): Series {
  const series: Series = { ct: [], liver: [], bone: [] };
  for (const { path, bytes } of patient.files) {
    const match = /^([^/]+)\/(PATIENT_DICOM|MASKS_DICOM\/(liver|bone))\/image_(\d+)$/.exec(path);
    if (!match) throw new Error(`unexpected path ${path}`);
    expect(match[1]).toBe(patient.name);
    const slice = read(path, bytes);
    const k = Number(match[4]);
    expect(slice.instanceNumber).toBe(k);
    const role = (match[3] ?? 'ct') as keyof Series;
    series[role][k] = slice;
  }
  return series;
}

function hounsfield(slice: DicomSlice, index: number): number {
  return slice.pixels[index] * slice.rescaleSlope + slice.rescaleIntercept;
}

function countNonZero(mask: DicomSlice): number {
  let count = 0;
  for (const value of mask.pixels) if (value !== 0) count++;
  return count;
}

function centroid(mask: DicomSlice): [row: number, column: number] {
  let rows = 0;
  let columns = 0;
  let count = 0;
  for (let i = 0; i < mask.pixels.length; i++) {
    if (mask.pixels[i] === 0) continue;
    rows += Math.floor(i / mask.columns);
    columns += i % mask.columns;
    count++;
  }
  return [rows / count, columns / count];
}

describe('generatePhantomDataset', () => {
  const dataset = generatePhantomDataset({ count: 3, seed: 2024 });

  it('makes Phantom.1…3, each with 40 CT slices and 40 liver and 40 bone mask slices', () => {
    expect(dataset.map((patient) => patient.name)).toEqual(['Phantom.1', 'Phantom.2', 'Phantom.3']);
    for (const patient of dataset) {
      const paths = patient.files.map((file) => file.path);
      expect(new Set(paths).size).toBe(120);
      for (let k = 0; k < 40; k++) {
        expect(paths).toContain(`${patient.name}/PATIENT_DICOM/image_${k}`);
        expect(paths).toContain(`${patient.name}/MASKS_DICOM/liver/image_${k}`);
        expect(paths).toContain(`${patient.name}/MASKS_DICOM/bone/image_${k}`);
      }
    }
  });

  it.each([0, 1, 2])('patient %i reads back as an int16 CT series stored as HU + 1024, in explicit VR LE', (p) => {
    const patient = dataset[p];
    const { ct, liver, bone } = readPatient(patient);
    const uids = new Set<string | null>();
    for (let k = 0; k < 40; k++) {
      const slice = ct[k];
      expect(readHeader(patient.files[k].bytes, patient.files[k].path).ok).toBe(true);
      expect(slice.pixels).toBeInstanceOf(Int16Array);
      expect([slice.rows, slice.columns]).toEqual([128, 128]);
      expect([slice.rescaleSlope, slice.rescaleIntercept]).toEqual([1, -1024]);
      expect(slice.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
      expect(slice.modality).toBe('CT');
      expect(slice.pixelSpacing).toEqual([380 / 128, 380 / 128]);
      expect(slice.sliceThickness).toBe(1.6);
      expect(slice.imagePositionPatient?.[0]).toBe(0);
      expect(slice.imagePositionPatient?.[1]).toBe(0);
      expect(slice.imagePositionPatient?.[2]).toBeCloseTo(1.6 * k, 9);
      expect(slice.patientName).toBe(`${patient.name}^patient`);
      uids.add(slice.sopInstanceUid);
      for (const mask of [liver[k], bone[k]]) {
        expect(mask.pixels).toBeInstanceOf(Uint8Array);
        expect(mask.imagePositionPatient).toEqual(slice.imagePositionPatient);
        for (const value of new Set(mask.pixels)) expect([0, 255]).toContain(value);
      }
    }
    expect(uids.size).toBe(40);
    expect(new Set(ct.map((slice) => slice.seriesInstanceUid)).size).toBe(1);
  });

  it.each([0, 1, 2])('patient %i has air, soft tissue, liver (~60 HU) and bone (400–700 HU) in plausible ranges', (p) => {
    const { ct, liver, bone } = readPatient(dataset[p]);
    const liverHu: number[] = [];
    const boneHu: number[] = [];
    const airHu: number[] = [];
    let lowest = Infinity;
    let highest = -Infinity;
    for (let k = 0; k < 40; k++) {
      for (let i = 0; i < ct[k].pixels.length; i++) {
        const hu = hounsfield(ct[k], i);
        lowest = Math.min(lowest, hu);
        highest = Math.max(highest, hu);
        if (liver[k].pixels[i]) liverHu.push(hu);
        else if (bone[k].pixels[i]) boneHu.push(hu);
        else if (i < 128 * 4) airHu.push(hu); // the top rows are outside the body
      }
    }
    expect(lowest).toBeGreaterThanOrEqual(-1024);
    expect(highest).toBeLessThanOrEqual(3071);
    expect(highest).toBeGreaterThan(600); // cortical bone
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const std = (values: number[]) => {
      const average = mean(values);
      return Math.sqrt(mean(values.map((v) => (v - average) ** 2)));
    };
    expect(mean(airHu)).toBeGreaterThan(-1010);
    expect(mean(airHu)).toBeLessThan(-990);
    expect(std(airHu)).toBeGreaterThan(8); // Gaussian noise σ 10–15 HU (clamped at −1024)
    expect(std(airHu)).toBeLessThan(16);
    expect(mean(liverHu)).toBeGreaterThan(45);
    expect(mean(liverHu)).toBeLessThan(70);
    expect(std(liverHu)).toBeGreaterThan(10);
    expect(std(liverHu)).toBeLessThan(25);
    expect(mean(boneHu)).toBeGreaterThan(400);
    expect(mean(boneHu)).toBeLessThan(700);
  });

  it.each([0, 1, 2])('patient %i has a liver strictly inside the series, ≥ 6 empty slices each side, moving smoothly', (p) => {
    const patient = dataset[p];
    const { liver, bone } = readPatient(patient);
    const nonEmpty = liver.map((mask) => countNonZero(mask) > 0);
    const first = nonEmpty.indexOf(true);
    const last = nonEmpty.lastIndexOf(true);
    expect(patient.liverRange).toEqual([first, last]);
    expect(first).toBeGreaterThanOrEqual(6);
    expect(39 - last).toBeGreaterThanOrEqual(6);
    expect(last - first).toBeGreaterThanOrEqual(15);
    for (let k = first; k <= last; k++) expect(nonEmpty[k], `liver slice ${k}`).toBe(true);

    const voxels = liver.reduce((sum, mask) => sum + countNonZero(mask), 0);
    expect(patient.liverVolumeMl).toBeCloseTo((voxels * (380 / 128) ** 2 * 1.6) / 1000, 6);
    const areas = liver.map(countNonZero);
    const largest = Math.max(...areas);
    for (let k = first + 1; k <= last; k++) {
      const [rowA, columnA] = centroid(liver[k - 1]);
      const [rowB, columnB] = centroid(liver[k]);
      expect(Math.hypot(rowB - rowA, columnB - columnA), `centroid step at slice ${k}`).toBeLessThan(3);
      expect(Math.abs(areas[k] - areas[k - 1]), `area change at slice ${k}`).toBeLessThan(0.2 * largest);
      expect(centroid(liver[k])[1]).toBeLessThan(64); // image left = patient's right
    }
    expect(areas[first]).toBeLessThan(0.35 * largest); // it grows, then shrinks
    expect(areas[last]).toBeLessThan(0.35 * largest);
    for (const mask of bone) {
      expect(countNonZero(mask)).toBeGreaterThan(0);
      expect(centroid(mask)[0]).toBeGreaterThan(64); // spine and ribs: posterior half
    }
  });

  it('has a fat rim (~−100 HU) just inside the skin on both sides', () => {
    const { ct } = readPatient(dataset[0]);
    for (const fromLeft of [true, false]) {
      const rim: number[] = [];
      for (let row = 60; row < 68; row++) {
        const slice = ct[20];
        let found = 0;
        for (let step = 0; step < 128 && found < 3; step++) {
          const index = row * 128 + (fromLeft ? step : 127 - step);
          const hu = hounsfield(slice, index);
          if (hu > -500) {
            rim.push(hu);
            found++;
          }
        }
      }
      const average = rim.reduce((sum, v) => sum + v, 0) / rim.length;
      expect(average).toBeGreaterThan(-130);
      expect(average).toBeLessThan(-70);
    }
  });

  it('varies anatomy between patients', () => {
    const ranges = dataset.map((patient) => patient.liverRange?.join('-') + ':' + patient.liverVolumeMl.toFixed(1));
    expect(new Set(ranges).size).toBe(3);
  });
});

describe('determinism', () => {
  it('gives identical bytes for the same seed and different bytes for another seed', () => {
    const a = generatePhantomPatient({ name: 'Phantom.1', seed: 7 });
    const b = generatePhantomPatient({ name: 'Phantom.1', seed: 7 });
    const c = generatePhantomPatient({ name: 'Phantom.1', seed: 8 });
    expect(b.files.map((file) => file.path)).toEqual(a.files.map((file) => file.path));
    for (let i = 0; i < a.files.length; i++) expect(Buffer.compare(a.files[i].bytes, b.files[i].bytes), a.files[i].path).toBe(0);
    const differing = a.files.filter((file, i) => Buffer.compare(file.bytes, c.files[i].bytes) !== 0);
    expect(differing.length).toBe(a.files.length); // UIDs differ everywhere
    const liverA = a.files.find((file) => file.path.endsWith('liver/image_20'));
    const liverC = c.files.find((file) => file.path.endsWith('liver/image_20'));
    if (!liverA || !liverC) throw new Error('missing liver slice 20');
    expect(Array.from(read('a', liverA.bytes).pixels)).not.toEqual(Array.from(read('c', liverC.bytes).pixels));
  });

  it('gives the same dataset for the same seed', () => {
    const first = generatePhantomDataset({ count: 2, seed: 5, size: 48, slices: 30 });
    const second = generatePhantomDataset({ count: 2, seed: 5, size: 48, slices: 30 });
    expect(second.flatMap((p) => p.files.map((f) => Array.from(f.bytes.subarray(-64))))).toEqual(
      first.flatMap((p) => p.files.map((f) => Array.from(f.bytes.subarray(-64)))),
    );
  });
});

describe('other geometries', () => {
  it('makes a 64², 24-slice patient with the liver strictly inside and 5.9 mm pixels', () => {
    const patient = generatePhantomPatient({ name: 'Small', size: 64, slices: 24, seed: 3, sliceThickness: 2.5 });
    const { ct, liver } = readPatient(patient);
    expect(ct).toHaveLength(24);
    expect(ct[0].pixelSpacing?.[0]).toBeCloseTo(380 / 64, 9);
    expect(ct[23].imagePositionPatient?.[2]).toBeCloseTo(2.5 * 23, 9);
    const range = patient.liverRange;
    if (!range) throw new Error('no liver');
    expect(range[0]).toBeGreaterThan(0);
    expect(range[1]).toBeLessThan(23);
    expect(countNonZero(liver[range[0]])).toBeGreaterThan(0);
  });
});

describe('seeded noise', () => {
  it('is standard normal: quantiles match Φ⁻¹ and a million samples have mean 0, σ 1', () => {
    expect(inverseNormal(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormal(0.5)).toBe(0);
    expect(inverseNormal(0.001)).toBeCloseTo(-3.090232, 5);
    const samples = fillGaussian(mulberry32(11), new Float32Array(1_000_000), 12);
    let sum = 0;
    let squares = 0;
    for (const value of samples) {
      sum += value;
      squares += value * value;
    }
    expect(Math.abs(sum / samples.length)).toBeLessThan(0.05);
    expect(Math.sqrt(squares / samples.length)).toBeCloseTo(12, 1);
  });
});
