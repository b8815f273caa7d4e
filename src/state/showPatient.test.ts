// showPatient is the one place the patient on screen changes: a prediction made for another patient
// goes with it, from the segment and the compare stores (model A's stays when only the images change:
// it is drawn on the new ones; model B's, made on the cached images, goes); the latest call's
// volume wins; and the threshold reaches model B through the segment store. No IndexedDB here: the
// volume loader is stubbed, the stores are driven through their actions.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ViewerVolume } from '../viewer';
import type { CachedDataset } from '../storage/schema';
import { DEFAULT_PIPELINE_PARAMS, PIPELINE_VERSION } from '../pipeline/params';
import type { PatientMetrics } from '../metrics/patientMetrics';

vi.mock('./currentPatient', async (importOriginal) => ({ ...(await importOriginal<typeof import('./currentPatient')>()), volumeOf: vi.fn() }));

const { showPatient } = await import('./showPatient');
const currentPatient = await import('./currentPatient');
const { useViewerStore } = await import('./viewerStore');
const { useSegmentStore } = await import('./segmentStore');
const { useCompareStore } = await import('./compareStore');
const { useCacheStore } = await import('./cacheStore');
const { useIngestStore } = await import('./ingestStore');
const volumeOf = vi.mocked(currentPatient.volumeOf);

const DATASET: CachedDataset = {
  id: 'd1',
  name: 'demo',
  createdAt: 0,
  params: { ...DEFAULT_PIPELINE_PARAMS },
  pipelineVersion: PIPELINE_VERSION,
  patientKeys: ['kA', 'kB'],
  patientNames: ['Phantom.1', 'Phantom.2'],
  slices: 8,
  bytes: 0,
};

function volume(name: string): ViewerVolume {
  return { name, kind: 'processed', width: 2, height: 2, slices: 4, spacing: [1, 1, 1], images: new Uint8Array(16), truth: new Uint8Array(16) } as unknown as ViewerVolume;
}

const METRICS = { dice: 0.9 } as PatientMetrics;

const TARGET = { scope: 'slab', seriesOffset: 0, slices: 4, slab: null, keptFrom: 0 } as const;

/** As after "Segment this patient" on A (cached images) and "Segment with B". */
function predictionsFor(patientKey: string): void {
  useSegmentStore.setState({ target: { datasetId: 'd1', patientKey, ...TARGET }, status: 'ready', metrics: METRICS, resizeNote: 'note', exportMessage: 'saved' });
  useCompareStore.setState({ target: { modelId: 'm2', datasetId: 'd1', patientKey }, status: 'ready', mask: new Uint8Array(16), metrics: METRICS });
}

beforeEach(async () => {
  volumeOf.mockReset();
  volumeOf.mockImplementation(async (_d, key) => volume(key));
  useCacheStore.setState({ datasets: [DATASET] });
  useIngestStore.setState({ patients: [], sources: [] });
  await showPatient('d1', 'kA', 'cache');
});

describe('showPatient', () => {
  it('selects the patient and loads its volume', () => {
    const s = useViewerStore.getState();
    expect([s.datasetId, s.patientKey, s.source, s.status, s.volume?.name]).toEqual(['d1', 'kA', 'cache', 'ready', 'kA']);
    expect(currentPatient.patientOnScreen()).toEqual({ datasetId: 'd1', patientKey: 'kA', source: 'cache', name: 'Phantom.1', organ: DEFAULT_PIPELINE_PARAMS.organ });
  });

  it('drops the prediction, its metrics, status and export message when another patient is shown', async () => {
    predictionsFor('kA');
    await showPatient('d1', 'kB');
    const seg = useSegmentStore.getState();
    expect([seg.target, seg.metrics, seg.status, seg.resizeNote, seg.exportMessage]).toEqual([null, null, 'idle', null, null]);
    const cmp = useCompareStore.getState();
    expect([cmp.target, cmp.mask, cmp.metrics, cmp.status]).toEqual([null, null, null, 'idle']);
  });

  it('keeps model A’s prediction (to draw on the new images) but drops model B’s when the same patient is shown from its original files', async () => {
    predictionsFor('kA');
    await showPatient('d1', 'kA', 'files');
    expect(useSegmentStore.getState().target).toEqual({ datasetId: 'd1', patientKey: 'kA', ...TARGET });
    expect(useSegmentStore.getState().metrics).toBe(METRICS);
    expect(useCompareStore.getState().target).toBeNull();
  });

  it('keeps them when nothing changes', async () => {
    predictionsFor('kA');
    await showPatient('d1', 'kA', 'cache');
    expect(useSegmentStore.getState().target).toEqual({ datasetId: 'd1', patientKey: 'kA', ...TARGET });
    expect(useCompareStore.getState().target).not.toBeNull();
  });

  it('shows the latest patient asked for when loads finish out of order', async () => {
    let finishA!: (v: ViewerVolume) => void;
    volumeOf.mockImplementationOnce(() => new Promise((resolve) => (finishA = resolve)));
    const a = showPatient('d1', 'kA', 'cache');
    await showPatient('d1', 'kB', 'cache');
    finishA(volume('kA'));
    await a;
    expect(useViewerStore.getState().volume?.name).toBe('kB');
  });

  it('reports a failed load', async () => {
    volumeOf.mockRejectedValueOnce(new Error('gone'));
    await showPatient('d1', 'kB');
    expect([useViewerStore.getState().status, useViewerStore.getState().error]).toEqual(['error', 'gone']);
  });
});

describe('currentPatient', () => {
  it('knows whether the originals are loaded, by the cached name', () => {
    expect(currentPatient.hasOriginalFiles('d1', 'kA')).toBe(false);
    useIngestStore.setState({ patients: [{ name: 'Phantom.1' } as never] });
    expect(currentPatient.hasOriginalFiles('d1', 'kA')).toBe(true);
    expect(currentPatient.hasOriginalFiles('d1', 'kB')).toBe(false);
    expect(currentPatient.hasOriginalFiles('d1', null)).toBe(false);
  });
});

describe('mask settings', () => {
  it('reach the compare store when the segment store changes them', () => {
    useSegmentStore.getState().setThreshold(0.3);
    useSegmentStore.getState().setLargestComponent(true);
    expect(useCompareStore.getState().settings).toEqual(useSegmentStore.getState().settings);
    expect(useCompareStore.getState().settings).toMatchObject({ threshold: 0.3, largestComponent: true });
  });
});
