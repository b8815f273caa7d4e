// Warm-up of a preprocessing worker's per-slice steps (window, CLAHE, mask runs, packing for the cache) on a synthetic CT
// slice, run while the user reads the patient list after a drop. Each worker is its own V8 isolate and
// compiles those hot loops itself: on a cold pool that cost ~150-200 ms of a first run's wall time here
// (measured: 3Dircadb1.17, first run in fresh workers vs the next runs in the same workers), spent on
// the background compiler threads competing with the work. Same functions, same typed-array kinds as a
// real series (int16 stored values, 512² by default), so the optimised code is the code the run uses.
// Pure: no DOM, no IndexedDB.
import { packBits, packBitsBound } from '../../common/packBits';
import { foregroundRuns } from '../../common/maskRuns';
import { claheSlice, windowSlice } from '../../pipeline/preprocessPatient';
import { DEFAULT_PIPELINE_PARAMS, type PipelineParams } from '../../pipeline/params';

/** Slices run through the steps: enough for V8 to optimise the per-row and per-pixel loops. */
const WARM_UP_SLICES = 4;

/** A CT-like slice: air outside a body disc, soft tissue with noise inside, a denser organ. */
function syntheticCt(width: number, height: number): Int16Array {
  const pixels = new Int16Array(width * height);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x - width / 2) / (width / 2);
      const dy = (y - height / 2) / (height / 2);
      const r = dx * dx + dy * dy;
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const noise = (seed >>> 24) - 128;
      pixels[y * width + x] = r > 0.8 ? -1000 : r < 0.1 ? 180 + (noise >> 2) : 40 + (noise >> 1);
    }
  }
  return pixels;
}

/** Runs the per-slice steps a few times; returns the milliseconds it took. */
export function warmUpSliceSteps(params: PipelineParams = DEFAULT_PIPELINE_PARAMS, width = 512, height = 512): number {
  const t = performance.now();
  const ct = { pixels: syntheticCt(width, height), rescaleSlope: 1, rescaleIntercept: 0 };
  const windowed = new Uint8Array(width * height);
  const out = new Uint8Array(width * height);
  const packed = new Uint8Array(packBitsBound(width * height));
  for (let i = 0; i < WARM_UP_SLICES; i++) {
    windowSlice(ct, params, windowed);
    claheSlice(windowed, width, height, params, out);
    foregroundRuns(out);
    packBits(out, 0, out.length, packed, 0); // as storage/sliceRecords.ts packs each slice for the cache
  }
  return performance.now() - t;
}
