// The 2-D UNet of the reference (Ronneberger et al. 2015, as in shared/tools/torch_unet_step.py),
// built with the tfjs-layers functional API so it reads like the paper's figure: four down
// blocks, a bottleneck, four up blocks, a 1×1 sigmoid head. Layer for layer and parameter for
// parameter it is the PyTorch net, including the reference's quirk that the last up-convolution
// keeps 2·base filters (64 at base 32).
//
// Sizes that are not multiples of 16: max-pooling floors, so each up-convolution's output is
// the same size as its skip or one row/column smaller. We then zero-pad the up-sampled map by
// that row/column at the bottom/right (ZeroPadding2D) rather than cropping the skip: the
// concatenation still works, every input pixel keeps its full-resolution skip connection, and
// the output is exactly size×size with no resize at the end. For multiples of 16 no padding
// layer exists and the graph is exactly the reference's.
//
// Pure tfjs: no DOM, no IndexedDB; runs in Node, workers and the tab. Never picks a backend
// (model/backends.ts does) and never trains (model/train.ts does).
import * as tfl from '@tensorflow/tfjs-layers';

export interface UNetOptions {
  /** Filters of the first block; the blocks below have 2×, 4×, 8×, 16×. */
  baseFilters?: number;
  /** Height = width of the input slices, 64…512. */
  size?: number;
  /** Input channels (1: a windowed CT slice). */
  channels?: number;
  /** Seed of the He-normal weight initialisation; omit for a random start. */
  seed?: number;
}

export const MIN_SIZE = 64;
export const MAX_SIZE = 512;

type SymbolicTensor = tfl.SymbolicTensor;

/** He-normal initialisation, seeded per layer when the model has a seed. */
type Initializer = () => ReturnType<typeof tfl.initializers.heNormal>;

function heNormal(seed: number | undefined): Initializer {
  let layer = 0;
  return () => tfl.initializers.heNormal(seed === undefined ? {} : { seed: seed + layer++ });
}

function conv3x3(name: string, filters: number, init: Initializer) {
  return tfl.layers.conv2d({
    name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(),
  });
}

/** Two 3×3 'same' convolutions with ReLU: the unit every block is made of. */
function doubleConv(block: string, x: SymbolicTensor, filters: number, init: Initializer): SymbolicTensor {
  const c1 = conv3x3(`${block}_conv1`, filters, init).apply(x) as SymbolicTensor;
  return conv3x3(`${block}_conv2`, filters, init).apply(c1) as SymbolicTensor;
}

/** Contracting block: features kept for the skip, and their 2×2 max-pooled map for the next block. */
function downBlock(block: string, x: SymbolicTensor, filters: number, init: Initializer) {
  const skip = doubleConv(block, x, filters, init);
  const pooled = tfl.layers.maxPooling2d({ name: `${block}_pool`, poolSize: 2, strides: 2 }).apply(skip) as SymbolicTensor;
  return { skip, pooled };
}

/** Expanding block: 2×2 stride-2 up-convolution, pad to the skip's size if pooling floored, concat, two convs. */
function upBlock(block: string, x: SymbolicTensor, skip: SymbolicTensor, upFilters: number, filters: number, init: Initializer) {
  let up = tfl.layers.conv2dTranspose({
    name: `${block}_upconv`, filters: upFilters, kernelSize: 2, strides: 2, padding: 'valid', kernelInitializer: init(),
  }).apply(x) as SymbolicTensor;
  const [, upH, upW] = up.shape as number[];
  const [, skipH, skipW] = skip.shape as number[];
  if (upH !== skipH || upW !== skipW) {
    up = tfl.layers.zeroPadding2d({ name: `${block}_pad`, padding: [[0, skipH - upH], [0, skipW - upW]] }).apply(up) as SymbolicTensor;
  }
  const merged = tfl.layers.concatenate({ name: `${block}_concat`, axis: -1 }).apply([up, skip]) as SymbolicTensor;
  return doubleConv(block, merged, filters, init);
}

/** The reference UNet: [batch, size, size, channels] → per-pixel liver probability [batch, size, size, 1]. */
export function unet({ baseFilters = 32, size = 512, channels = 1, seed }: UNetOptions = {}): tfl.LayersModel {
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new Error(`unet: size must be an integer in ${MIN_SIZE}…${MAX_SIZE}, got ${size}`);
  }
  if (!Number.isInteger(baseFilters) || baseFilters < 1) throw new Error(`unet: baseFilters must be a positive integer, got ${baseFilters}`);
  const b = baseFilters;
  const init = heNormal(seed);
  const input = tfl.input({ name: 'slice', shape: [size, size, channels] });

  const down1 = downBlock('down1', input, b, init);
  const down2 = downBlock('down2', down1.pooled, 2 * b, init);
  const down3 = downBlock('down3', down2.pooled, 4 * b, init);
  const down4 = downBlock('down4', down3.pooled, 8 * b, init);
  const bottleneck = doubleConv('bottleneck', down4.pooled, 16 * b, init);
  const up1 = upBlock('up1', bottleneck, down4.skip, 8 * b, 8 * b, init);
  const up2 = upBlock('up2', up1, down3.skip, 4 * b, 4 * b, init);
  const up3 = upBlock('up3', up2, down2.skip, 2 * b, 2 * b, init);
  const up4 = upBlock('up4', up3, down1.skip, 2 * b, b, init); // the reference's 2·base quirk
  const mask = tfl.layers.conv2d({ name: 'mask', filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: init() })
    .apply(up4) as SymbolicTensor;

  return tfl.model({ name: `unet_b${b}_${size}`, inputs: input, outputs: mask });
}
