// The whole scan segmented from the dropped originals: every CT slice of the series — not only the
// slab the cache keeps for training — windowed and equalised exactly as the model's training data
// was (preprocessForModel, with the patient's pipeline settings, or what an ONNX model's sidecar asks
// for), the model run over all of them, the
// organ's whole mask as ground truth when the patient has one, and the cached kept slab marked within
// it so its figures can be shown beside the whole scan's.
// No DOM: runs in the infer worker (and in Node for tests).
import type { DropSources } from '../../discovery/walkDrop';
import type { PatientRef } from '../../discovery/loadPatientSeries';
import type { PipelineParams } from '../../pipeline/params';
import { geometryFromSlices } from '../../export/geometry';
import { loadCtToSegment } from './ctSeries';
import { preprocessForModel, preprocessForModelInput } from './preprocessForModel';
import { segmentVolume, type ReadyModel } from './segmentVolume';
import type { Segmentation } from './segmentation';

export interface WholeScanJob {
  sources: DropSources;
  patient: PatientRef;
  /** The organ whose mask is the ground truth, and the window/CLAHE the model was trained with. */
  params: PipelineParams;
  /** The kept slab of the cached patient (first, last), when it has ground truth. */
  slab: [number, number] | null;
}

export async function segmentWholeScan(job: WholeScanJob, ready: ReadyModel, onProgress?: (done: number, total: number) => void): Promise<Segmentation> {
  const loaded = await loadCtToSegment(job.sources, job.patient, job.params.organ);
  if (!loaded.ok) throw new Error(`${loaded.problem.file}: ${loaded.problem.message}`);
  const { ct, truth } = loaded.value;
  // What the viewer and the montage show: the slices as the pipeline windows and equalises them; the
  // model gets the same, unless it says it takes something else (an ONNX model's sidecar).
  const volume = preprocessForModel(ct, job.params);
  const wants = ready.model.preprocessing;
  const input = wants ? preprocessForModelInput(ct, wants) : volume;
  const { probabilities, msPerSlice } = await segmentVolume(ready.model, input, { onProgress });
  const geometry = geometryFromSlices(ct);
  const headers = ct.map(({ pixels: _pixels, ...header }) => header);
  const slab = job.slab && job.slab[1] < ct.length ? job.slab : null;
  return {
    name: typeof job.patient === 'string' ? job.patient : job.patient.name,
    scope: 'scan',
    width: volume.width,
    height: volume.height,
    slices: volume.slices,
    spacing: geometry.spacing,
    images: volume.images,
    truth,
    probabilities,
    slab: truth ? slab : null,
    ct: headers,
    modelName: ready.name,
    msPerSlice,
  };
}
