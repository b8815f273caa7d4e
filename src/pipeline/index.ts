// Public API of pipeline/: the preprocessing steps (hu → window → liverRange → clahe → keep →
// binarise), their composition, and the seeded Keras-style augmentation.
// Pure: no DOM, no IndexedDB, no workers; shared by Web Workers, Node tests and the CLI.

export { toHounsfield } from './hounsfield';
export { applyWindow, windowLut, windowValue, type WindowSettings } from './window';
export { clahe, type ClaheSettings } from './clahe';
export { liverRange, sliceHasAny } from './liverRange';
export { keepRange, type KeptRange } from './keepRange';
export { binarise } from './binarise';
export { DEFAULT_PIPELINE_PARAMS, PIPELINE_VERSION, type PipelineParams } from './params';
export {
  preprocessPatient,
  windowSlice,
  claheSlice,
  checkPipelineParams,
  type CtSliceInput,
  type PatientInput,
  type ProcessedPatient,
  type PipelineTiming,
} from './preprocessPatient';
export { affineMatrix, applyAffine, applyAffineU8, type AffineParams, type AffineMap } from './affine';
export {
  augmentPair,
  randomAffineParams,
  DEFAULT_AUGMENT_RANGES,
  type AugmentRanges,
  type AugmentPairOptions,
} from './augment';
export { createRng, createSampleRng, uniform, mix32, type Rng, type RngState } from './random';
