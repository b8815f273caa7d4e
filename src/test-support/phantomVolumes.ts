// Test support: phantom patients run through the real preprocessing (DICOM bytes → discover →
// pipeline), as volumes a training run can use. For Node tests only.
import { generatePhantomPatient } from '../phantom/phantom';
import { DEFAULT_PIPELINE_PARAMS } from '../pipeline/params';
import { runPreprocessJob } from '../jobs/preprocess/wholePatient';
import type { PatientVolumeLike } from '../model/sliceSet';

export async function phantomVolumes(names: string[], size = 64, slices = 40): Promise<PatientVolumeLike[]> {
  const out: PatientVolumeLike[] = [];
  for (const [i, name] of names.entries()) {
    const p = generatePhantomPatient({ name, size, slices, seed: 100 + i });
    const sources = p.files.map((f) => ({ path: f.path, size: f.bytes.length, bytes: async () => f.bytes }));
    const r = await runPreprocessJob(null, { patient: name, sources, params: DEFAULT_PIPELINE_PARAMS, spacing: null });
    if (!r.ok || !r.pixels) throw new Error(`${name}: ${r.ok ? 'no pixels' : r.problem.message}`);
    out.push({ name, width: r.meta.width, height: r.meta.height, kept: r.meta.kept, images: r.pixels.images, masks: r.pixels.masks });
  }
  return out;
}
