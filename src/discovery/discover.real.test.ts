// Discovery on the two real 3D-IRCADb-01 patients in shared/data: 3Dircadb1.17 dropped as its official
// zips (scanned and loaded), and the whole data folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectNodeSources } from '../node/nodeSources';
import { loadPatientSeries } from './index';
import { scanFolder } from '../test-support/discoveryDrops';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED_DATA = path.resolve(here, '../../../shared/data');

describe('the real 3D-IRCADb-01 patients', () => {
  beforeAll(() => {
    if (!existsSync(path.join(SHARED_DATA, '3Dircadb1.17', 'PATIENT_DICOM.zip'))) {
      throw new Error(`real test data missing: expected ${SHARED_DATA}/3Dircadb1.17/PATIENT_DICOM.zip (see shared/data/README.md)`);
    }
  });

  it('drops 3Dircadb1.17 from its zips and sees 119 slices and 8 organs', async () => {
    const started = performance.now();
    const { patients, problems } = await scanFolder(path.join(SHARED_DATA, '3Dircadb1.17'));
    console.log(`scanning 3Dircadb1.17 from its zips took ${Math.round(performance.now() - started)} ms`);
    expect(problems).toEqual([]);
    expect(patients).toHaveLength(1);
    const [patient] = patients;
    expect(patient.name).toBe('3Dircadb1.17');
    expect(patient.ct).toHaveLength(119);
    expect(patient.ct.map((slice) => slice.instanceNumber)).toEqual([...Array(119).keys()]);
    expect([patient.rows, patient.columns]).toEqual([512, 512]);
    expect(patient.spacing?.[0]).toBeCloseTo(0.743, 3);
    expect(patient.spacing?.[1]).toBeCloseTo(0.743, 3);
    expect(patient.spacing?.[2]).toBeCloseTo(1.6, 4);
    expect(patient.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(patient.modality).toBe('CT');
    expect(patient.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(patient.usable).toBe(true);
    expect(Object.fromEntries(patient.organs.map((organ) => [organ.organ, [organ.slices.length, organ.nonEmptyRange]]))).toEqual({
      artery: [119, [0, 118]],
      bone: [119, [0, 118]],
      liver: [119, [1, 113]],
      livertumor1: [119, [84, 113]],
      livertumor2: [119, [78, 105]],
      portalvein: [119, [0, 100]],
      skin: [119, [0, 118]],
      venoussystem: [119, [0, 115]],
    });
  });

  it('drops the whole data folder and sees both patients, naturally sorted', async () => {
    const { patients } = await scanFolder(SHARED_DATA);
    expect(patients.map((patient) => patient.name)).toEqual(['3Dircadb1.1', '3Dircadb1.17']);
    const [first] = patients;
    expect(first.ct).toHaveLength(129);
    expect(first.spacing?.[0]).toBeCloseTo(0.57, 3);
    expect(first.organs.map((organ) => [organ.organ, organ.slices.length, organ.nonEmptyRange])).toEqual([['liver', 129, [27, 124]]]);
    expect(patients.every((patient) => patient.usable && patient.problems.every((problem) => problem.severity !== 'error'))).toBe(true);
  });

  it('loads 3Dircadb1.17’s CT and liver masks from the zips, aligned by InstanceNumber', async () => {
    const drop = await collectNodeSources([path.join(SHARED_DATA, '3Dircadb1.17')]);
    const loaded = await loadPatientSeries(drop.sources, '3Dircadb1.17', 'liver');
    if (!loaded.ok) throw new Error(loaded.problem.message);
    const { ct, masks } = loaded.value;
    expect(ct).toHaveLength(119);
    expect(masks).toHaveLength(119);
    expect(masks.map((mask) => mask.instanceNumber)).toEqual(ct.map((slice) => slice.instanceNumber));
    expect(ct.map((slice) => slice.instanceNumber)).toEqual([...Array(119).keys()]);
    expect(ct[60].pixels).toBeInstanceOf(Int16Array);
    expect(masks[60].pixels).toHaveLength(512 * 512);
    expect(masks[0].pixels.some((value) => value !== 0)).toBe(false);
    expect(masks[1].pixels.some((value) => value !== 0)).toBe(true);
  });
});
