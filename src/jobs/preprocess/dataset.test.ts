// A run's dataset record: named after its patients unless the user named it, and a dataset made
// again from the same patients keeps the name and date it had.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE_PARAMS, PIPELINE_VERSION } from '../../pipeline/params';
import type { CachedDataset, CachedPatient } from '../../storage/schema';
import { datasetRecord, defaultName } from './dataset';

const patient = (name: string, kept: number, bytes: number) => ({ key: `key-${name}`, name, kept, bytes }) as CachedPatient;

describe('datasetRecord', () => {
  const patients = [patient('3Dircadb1.1', 10, 1000), patient('3Dircadb1.2', 20, 3000), patient('3Dircadb1.3', 5, 500)];

  it('lists the patients and sums their slices and bytes, named after them', () => {
    const d = datasetRecord('abc', patients, DEFAULT_PIPELINE_PARAMS, undefined, undefined);
    expect(Object.keys(d)).toEqual(['id', 'name', 'createdAt', 'params', 'pipelineVersion', 'patientKeys', 'patientNames', 'slices', 'bytes']);
    expect(d).toMatchObject({
      id: 'abc',
      name: '3Dircadb1.1 … 3Dircadb1.3 (3 patients)',
      params: DEFAULT_PIPELINE_PARAMS,
      pipelineVersion: PIPELINE_VERSION,
      patientKeys: ['key-3Dircadb1.1', 'key-3Dircadb1.2', 'key-3Dircadb1.3'],
      patientNames: ['3Dircadb1.1', '3Dircadb1.2', '3Dircadb1.3'],
      slices: 35,
      bytes: 4500,
    });
    expect(datasetRecord('abc', patients, DEFAULT_PIPELINE_PARAMS, 'Training', undefined).name).toBe('Training');
  });

  it('keeps the name and date of the same dataset made before', () => {
    const before = { id: 'abc', name: 'Mine', createdAt: 1234 } as CachedDataset;
    const d = datasetRecord('abc', patients, DEFAULT_PIPELINE_PARAMS, 'Other', before);
    expect([d.name, d.createdAt]).toEqual(['Mine', 1234]);
  });

  it('names a one-patient dataset after its patient', () => {
    expect(defaultName(['3Dircadb1.7'])).toBe('3Dircadb1.7');
  });
});
