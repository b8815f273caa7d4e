// The settings of the preprocessing pipeline, in one typed object with the reference defaults.
// Pure data: no DOM, no IndexedDB, no workers. Never read settings from anywhere else: a step gets
// its setting as a parameter.

export interface PipelineParams {
  /** Mask folder under MASKS_DICOM/ that defines the kept slices and the labels, e.g. `liver`. */
  organ: string;
  /** CT window width in HU. */
  windowWidth: number;
  /** CT window centre in HU. */
  windowCenter: number;
  /** OpenCV CLAHE clip limit (≤ 0: no clipping). */
  claheClipLimit: number;
  /** CLAHE tiles across the columns. */
  claheTilesX: number;
  /** CLAHE tiles down the rows. */
  claheTilesY: number;
  /** Slices dropped at each end of the organ's range (Python `[start+margin:end-margin]`). */
  margin: number;
}

/** The reference pipeline's settings (seed_pipeline.py / the Keras tutorial). */
export const DEFAULT_PIPELINE_PARAMS: Readonly<PipelineParams> = Object.freeze({
  organ: 'liver',
  windowWidth: 500,
  windowCenter: 150,
  claheClipLimit: 2.0,
  claheTilesX: 8,
  claheTilesY: 8,
  margin: 5,
});

/**
 * Version of the preprocessing output. Bump it whenever any step's output bytes can change, so
 * stored datasets made by an older pipeline are recognised as stale.
 */
export const PIPELINE_VERSION = 'liverlab-pipeline/1 (opencv-4.6-clahe, numpy-window)';
