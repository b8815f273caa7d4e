// preprocessPatient: the reference preprocessing of one patient, as a sequence of the named steps
// toHounsfield → applyWindow (one pass: windowStored) → liverRange → keepRange → clahe → binarise, giving the training
// images (uint8, before /255) and 0/1 masks of the kept slices. Also the per-slice steps, so a
// worker can process one slice at a time with the same code.
// Pure: no DOM, no IndexedDB, no workers. Never computes anything itself beyond sequencing the
// steps and checking its inputs; never throws for bad data: problems are returned as values.
import type { PixelArray, Problem, Result } from '../common/types';
import { binarise } from './binarise';
import { clahe } from './clahe';
import { keepRange } from './keepRange';
import { liverRange } from './liverRange';
import { DEFAULT_PIPELINE_PARAMS, type PipelineParams } from './params';
import { windowStored } from './window';

/** One CT slice as read from DICOM: stored values (before rescale) and the rescale tags. */
export interface CtSliceInput {
  pixels: PixelArray;
  rescaleSlope: number;
  rescaleIntercept: number;
}

export interface PatientInput {
  /** Patient name, used as the `file` of a problem (e.g. `3Dircadb1.17`). */
  patient?: string;
  width: number;
  height: number;
  /** CT slices sorted by InstanceNumber. */
  ct: CtSliceInput[];
  /** Organ mask slices, same order and count as `ct`. */
  masks: PixelArray[];
}

export interface ProcessedPatient {
  width: number;
  height: number;
  /** First/last slice index (0-based, sorted) with a non-zero mask pixel. */
  start: number;
  end: number;
  /** First/last kept slice index (inclusive): start + margin .. end − margin − 1. */
  keptFrom: number;
  keptTo: number;
  /** Number of kept slices (keptTo − keptFrom + 1). */
  kept: number;
  /** Kept images after CLAHE, uint8, kept × height × width, row-major. */
  images: Uint8Array;
  /** Kept masks, 0/1, kept × height × width. */
  masks: Uint8Array;
}

/** Milliseconds spent per step, accumulated when a caller passes one (benchmarks, progress). */
export interface PipelineTiming {
  windowMs: number;
  claheMs: number;
}

/** Step 1+2 for one slice: stored values → HU → windowed uint8, in one pass (windowStored: their exact composition). */
export function windowSlice(
  ct: CtSliceInput,
  params: Pick<PipelineParams, 'windowWidth' | 'windowCenter'> = DEFAULT_PIPELINE_PARAMS,
  out?: Uint8Array,
): Uint8Array {
  return windowStored(ct.pixels, ct.rescaleSlope, ct.rescaleIntercept, { windowWidth: params.windowWidth, windowCenter: params.windowCenter }, out);
}

/** The CLAHE step for one windowed slice, with the pipeline's settings. */
export function claheSlice(
  u8: Uint8Array,
  width: number,
  height: number,
  params: Pick<PipelineParams, 'claheClipLimit' | 'claheTilesX' | 'claheTilesY'> = DEFAULT_PIPELINE_PARAMS,
  out?: Uint8Array,
): Uint8Array {
  return clahe(u8, width, height, { clipLimit: params.claheClipLimit, tilesX: params.claheTilesX, tilesY: params.claheTilesY }, out);
}

/** A reason the settings cannot be used, or null. */
/** One CT slice windowed (into `windowed`, a scratch buffer) then CLAHE'd into `out`, each step timed when asked. */
function windowThenClahe(slice: CtSliceInput, width: number, height: number, params: PipelineParams, windowed: Uint8Array, out: Uint8Array, timing?: PipelineTiming): void {
  const t0 = timing ? performance.now() : 0;
  windowSlice(slice, params, windowed);
  const t1 = timing ? performance.now() : 0;
  claheSlice(windowed, width, height, params, out);
  if (timing) {
    timing.windowMs += t1 - t0;
    timing.claheMs += performance.now() - t1;
  }
}

export function checkPipelineParams(params: PipelineParams): string | null {
  if (!(params.windowWidth > 0) || !Number.isFinite(params.windowWidth)) return `the window width must be a positive number (got ${params.windowWidth})`;
  if (!Number.isFinite(params.windowCenter)) return `the window centre must be a number (got ${params.windowCenter})`;
  if (Number.isNaN(params.claheClipLimit)) return 'the CLAHE clip limit must be a number';
  for (const [name, v] of [['claheTilesX', params.claheTilesX], ['claheTilesY', params.claheTilesY]] as const) {
    if (!Number.isInteger(v) || v < 1) return `${name} must be a positive integer (got ${v})`;
  }
  if (!Number.isInteger(params.margin) || params.margin < 0) return `the margin must be a non-negative integer (got ${params.margin})`;
  return null;
}

/**
 * A scan with no organ mask: every slice windowed and equalised with the same steps (nothing to find a
 * range in, so nothing is cut), masks all 0; start and end are −1 (no organ range).
 */
export function preprocessWholeScan(
  input: Omit<PatientInput, 'masks'>,
  params: PipelineParams = DEFAULT_PIPELINE_PARAMS,
  timing?: PipelineTiming,
): Result<ProcessedPatient> {
  const { width, height, ct } = input;
  const sliceSize = width * height;
  const bad = checkPipelineParams(params) ?? (ct.length === 0 ? 'no CT slices' : ct.findIndex((s) => s.pixels.length !== sliceSize) >= 0 ? `CT slices of another size than ${width}×${height}` : null);
  if (bad !== null) return { ok: false, problem: { file: input.patient ?? 'patient', message: bad, severity: 'error' } };
  const images = new Uint8Array(ct.length * sliceSize);
  const windowed = new Uint8Array(sliceSize);
  for (let k = 0; k < ct.length; k++) {
    windowThenClahe(ct[k], width, height, params, windowed, images.subarray(k * sliceSize, (k + 1) * sliceSize), timing);
  }
  const masks = new Uint8Array(ct.length * sliceSize);
  return { ok: true, value: { width, height, start: -1, end: -1, keptFrom: 0, keptTo: ct.length - 1, kept: ct.length, images, masks } };
}

/**
 * Preprocess one patient exactly like the reference pipeline. Only the kept slices are windowed
 * and equalised: every step is per slice, so the output equals the reference, which windows all
 * slices and equalises start..end before slicing.
 */
export function preprocessPatient(
  input: PatientInput,
  params: PipelineParams = DEFAULT_PIPELINE_PARAMS,
  timing?: PipelineTiming,
): Result<ProcessedPatient> {
  const file = input.patient ?? 'patient';
  const fail = (message: string): Result<ProcessedPatient> => {
    const problem: Problem = { file, message, severity: 'error' };
    return { ok: false, problem };
  };
  const { width, height, ct, masks } = input;
  const paramProblem = checkPipelineParams(params);
  if (paramProblem !== null) return fail(`invalid pipeline settings: ${paramProblem}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    return fail(`invalid slice size ${width}×${height}`);
  }
  if (ct.length === 0) return fail('no CT slices');
  if (masks.length !== ct.length) {
    return fail(`${masks.length} ${params.organ} mask slices for ${ct.length} CT slices: each CT slice needs one mask slice`);
  }
  const sliceSize = width * height;
  for (let k = 0; k < ct.length; k++) {
    if (ct[k].pixels.length !== sliceSize) {
      return fail(`CT slice ${k} has ${ct[k].pixels.length} pixels, expected ${width}×${height} = ${sliceSize}`);
    }
    if (masks[k].length !== sliceSize) {
      return fail(`${params.organ} mask slice ${k} has ${masks[k].length} pixels, expected ${width}×${height} = ${sliceSize} (a mask of another size)`);
    }
  }

  const range = liverRange(masks);
  if (range === null) return fail(`the ${params.organ} mask is empty on every slice`);
  const [start, end] = range;
  const kept = keepRange(start, end, params.margin, ct.length);
  if (kept === null) {
    return fail(
      `too few slices: the ${params.organ} spans slices ${start}..${end}; dropping ${params.margin} at each end ` +
        `(keep ${start + params.margin}..${end - params.margin - 1}) leaves nothing`,
    );
  }

  const count = kept.to - kept.from + 1;
  const images = new Uint8Array(count * sliceSize);
  const binMasks = new Uint8Array(count * sliceSize);
  const windowed = new Uint8Array(sliceSize);
  for (let i = 0; i < count; i++) {
    const k = kept.from + i;
    windowThenClahe(ct[k], width, height, params, windowed, images.subarray(i * sliceSize, (i + 1) * sliceSize), timing);
    binarise(masks[k], binMasks.subarray(i * sliceSize, (i + 1) * sliceSize));
  }
  return {
    ok: true,
    value: { width, height, start, end, keptFrom: kept.from, keptTo: kept.to, kept: count, images, masks: binMasks },
  };
}
