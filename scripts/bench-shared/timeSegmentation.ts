// The inference benches' one measurement (scripts/bench-viewer, scripts/bench-interop): a model
// segments a stack of seeded noise slices with the viewer's own `predictProbabilities`, after one
// warm-up batch (shader compiles, WASM start-up); ms per slice. Slices are `side`² and resized to
// the model's input as the app does.
import { predictProbabilities } from '../../src/model/inference';
import type { SegmentationModel } from '../../src/model/segmentationModel';

export interface SegmentationTiming {
  warmUpMs: number;
  msPerSlice: number;
  slices: number;
}

export async function timeSegmentation(model: SegmentationModel, side: number, slices: number): Promise<SegmentationTiming> {
  let s = 5;
  const images = Uint8Array.from({ length: side * side * slices }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) & 255);
  const stack = (n: number) => ({ width: side, height: side, slices: n, images: images.subarray(0, side * side * n) });
  let t0 = performance.now();
  await predictProbabilities(model, stack(4), { batchSize: 4 });
  const warmUpMs = performance.now() - t0;
  t0 = performance.now();
  await predictProbabilities(model, stack(slices), { batchSize: 4 });
  return { warmUpMs, msPerSlice: (performance.now() - t0) / slices, slices };
}
