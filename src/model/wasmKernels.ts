// Training kernels for the WASM backend. Hand-written because upstream has none that are usable:
// tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter at all (tensorflow/tfjs issue 8474), so
// no conv net can train on it; its Conv2DBackpropInput is a naive scalar C++ loop; its MaxPoolGrad
// is slow (and wrong for overlapping 'same' windows); its DepthToSpace, PadV2, Slice, SplitV and
// Concat are slow enough to dominate a UNet step at small channel counts; its Reverse (the filter
// flip of every input gradient) walks element by element, ~8 % of a base-32 step; its Identity copies.
// Each kernel here is expressed with what the WASM backend already runs fast (XNNPACK matmul and
// convolution, C++ transpose, memmove on the heap, tight JS loops over the heap) and falls back to
// the stock kernel, or a general path, for inputs the UNet never produces.
//
// What these kernels must never do: read tensor values into JS (no readSync/dataSync: the data
// stays on the WASM heap), leave an intermediate undisposed (everything a kernel makes is freed
// before it returns, except its result), or change the op's semantics (each is checked against the
// CPU backend in wasmKernels.test.ts). Pure tfjs: no DOM, no IndexedDB; runs in Node, workers and
// the tab.
import {
  backend_util,
  Concat,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  getKernelsForBackend,
  Identity,
  MaxPoolGrad,
  PadV2,
  registerKernel,
  Reverse,
  Slice,
  slice_util,
  SplitV,
  StridedSlice,
  unregisterKernel,
  util,
} from '@tensorflow/tfjs-core';
import type {
  ConcatAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  MaxPoolGradAttrs,
  PadV2Attrs,
  ReverseAttrs,
  SliceAttrs,
  SplitVAttrs,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { channelMajorPaddedOnHeap, concatOnHeap, heaps, isHeapDtype, padOnHeap, padsLongRuns, reverseOnHeap, reversesLongRuns, sliceOnHeap, stockKernels, WASM, WasmScratch } from './wasmHeap';

type Shape4D = [number, number, number, number];

function convInfoOf(xShape: Shape4D, filterShape: Shape4D, attrs: Conv2DBackpropFilterAttrs | Conv2DBackpropInputAttrs) {
  return backend_util.computeConv2DInfo(
    xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat));
}

function stockOrThrow(kernelName: string): KernelConfig {
  const stock = stockKernels.get(kernelName);
  if (!stock) throw new Error(`wasm ${kernelName}: no stock kernel to fall back to for these inputs`);
  return stock;
}

/**
 * dW[i, j, c, o] = Σ_{n,h,w} x[n, h·sh + i − top, w·sw + j − left, c] · dy[n, h, w, o].
 *
 * Stride 1 (every 3×3 and 1×1 convolution of the UNet): lay dy on x's padded grid (zeros where no
 * output exists) and store x channel-major, [Cin + 1, N·Hp·Wp] with a zero channel last. Then tap
 * (i, j) is x shifted by i·Wp + j along the flattened grid, which is a plain view into that buffer,
 * so dW[i, j] = view [Cin, N·Hp·Wp] · dyGrid [N·Hp·Wp, Cout]: kh·kw XNNPACK matmuls sharing one
 * packed dyGrid, no im2col. Reads that run past a channel's row land on grid positions where
 * dyGrid is zero (and the zero channel keeps the last row's reads inside the allocation).
 *
 * Stride = kernel, no padding (the 2×2 stride-2 up-convolutions): the patches do not overlap, so
 * im2colᵀ is one transpose of x (space-to-depth) and dW is one matmul.
 *
 * Anything else: im2colᵀ from strided slices of the channel-major padded input, one matmul.
 */
const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const convAttrs = attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = convInfoOf(x.shape as Shape4D, convAttrs.filterShape, convAttrs);
  if (info.dataFormat !== 'channelsLast') throw new Error('wasm Conv2DBackpropFilter: only NHWC is supported');
  const { batchSize: n, inHeight, inWidth, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const { top, bottom, left, right } = padInfo;
  const scratch = new WasmScratch(backend as BackendWasm);
  const noPadding = top === 0 && bottom === 0 && left === 0 && right === 0;

  if (sh === 1 && sw === 1) {
    const hp = inHeight + top + bottom;
    const wp = inWidth + left + right;
    const grid = n * hp * wp;
    const channelMajor = scratch.track(channelMajorPaddedOnHeap(scratch.backend, x, [top, bottom], [left, right])); // [cin + 1, grid]
    const dyGrid = scratch.reshape(scratch.pad(dy, [[0, 0], [0, hp - oh], [0, wp - ow], [0, 0]]), [grid, cout]);
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) taps.push(scratch.matMul(scratch.view(channelMajor, i * wp + j, [cin, grid]), dyGrid));
    }
    const dW = taps.length === 1 ? taps[0] : scratch.track(concatOnHeap(scratch.backend, taps, 0));
    return scratch.release(scratch.reshape(dW, [kh, kw, cin, cout]));
  }

  const rows = n * oh * ow;
  let colsT: TensorInfo; // [kh·kw·cin, rows]: rows (i, j, c), columns (n, h, w)
  if (kh === sh && kw === sw && noPadding && oh * sh === inHeight && ow * sw === inWidth) {
    // [n·oh, kh, ow, kw·cin] → [kh, kw·cin, n·oh, ow]
    colsT = scratch.transpose(scratch.reshape(x, [n * oh, kh, ow, kw * cin]), [1, 3, 0, 2]);
  } else {
    const xPadded = scratch.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const channelMajor = scratch.transpose(xPadded, [3, 0, 1, 2]); // [cin, n, Hp, Wp]
    const taps: TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        taps.push(scratch.run(StridedSlice, { x: channelMajor }, {
          begin: [0, 0, i, j], end: [cin, n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1], strides: [1, 1, sh, sw],
          beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
        }));
      }
    }
    colsT = taps.length === 1 ? taps[0] : scratch.track(concatOnHeap(scratch.backend, taps, 0));
  }
  const dW = scratch.matMul(scratch.reshape(colsT, [kh * kw * cin, rows]), scratch.reshape(dy, [rows, cout]));
  return scratch.release(scratch.reshape(dW, [kh, kw, cin, cout]));
};

/**
 * dx = the transposed convolution of dy with W. Two fast paths:
 * stride 1 → an XNNPACK Conv2D of dy with the flipped, in/out-swapped filter;
 * stride = kernel, no padding (2×2 stride-2 up-convolution) → one matmul dy · Wᵀ, then a depth-to-space transpose.
 */
const conv2DBackpropInput: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const convAttrs = attrs as unknown as Conv2DBackpropInputAttrs;
  const info = convInfoOf(convAttrs.inputShape, filter.shape as Shape4D, convAttrs);
  if (info.dataFormat !== 'channelsLast') return stockOrThrow(Conv2DBackpropInput).kernelFunc(args);
  const { batchSize: n, inHeight, inWidth, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const noPadding = padInfo.top === 0 && padInfo.bottom === 0 && padInfo.left === 0 && padInfo.right === 0;
  const scratch = new WasmScratch(backend as BackendWasm);

  if (sh === 1 && sw === 1) {
    const padTop = kh - 1 - padInfo.top;
    const padLeft = kw - 1 - padInfo.left;
    const padBottom = inHeight - oh + kh - 1 - padTop;
    const padRight = inWidth - ow + kw - 1 - padLeft;
    if (padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0) {
      const flipped = scratch.track(reverseOnHeap(backend as BackendWasm, filter, [0, 1]));
      const swapped = scratch.transpose(flipped, [0, 1, 3, 2]); // [kh, kw, cout, cin]
      const dx = scratch.run(Conv2D, { x: dy, filter: swapped }, {
        strides: [1, 1], pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
        dataFormat: 'NHWC', dilations: [1, 1],
      });
      return scratch.release(dx);
    }
  } else if (kh === sh && kw === sw && noPadding && oh * sh === inHeight && ow * sw === inWidth) {
    const weightsT = scratch.transpose(scratch.reshape(filter, [kh * kw * cin, cout]), [1, 0]); // [cout, (i, j, c)]
    const blocks = scratch.matMul(scratch.reshape(dy, [n * oh * ow, cout]), weightsT); // [(n, h, w), (i, j, c)]
    // [n·oh, ow, kh, kw·cin] → [n·oh, kh, ow, kw·cin]: depth-to-space (the stock C++ one is 50× slower).
    const dx = scratch.transpose(scratch.reshape(blocks, [n * oh, ow, kh, kw * cin]), [0, 2, 1, 3]);
    return scratch.release(scratch.reshape(dx, [n, inHeight, inWidth, cin]));
  }
  return stockOrThrow(Conv2DBackpropInput).kernelFunc(args);
};

/** Slice with contiguous runs copied on the heap (stock: a full readSync copy, then row by row). */
const slice: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  if (!isHeapDtype(x.dtype)) return stockOrThrow(Slice).kernelFunc(args);
  const { begin, size } = attrs as unknown as SliceAttrs;
  const [begin_, size_] = slice_util.parseSliceParams(x, begin, size);
  return sliceOnHeap(backend as BackendWasm, x, begin_, size_);
};

/** SplitV (the gradient of every skip concatenation) as heap slices. */
const splitV: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  if (!isHeapDtype(x.dtype)) return stockOrThrow(SplitV).kernelFunc(args);
  const { numOrSizeSplits, axis } = attrs as unknown as SplitVAttrs;
  const $axis = util.parseAxisParam(axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[$axis] = s;
    const part = sliceOnHeap(backend as BackendWasm, x, begin, size);
    begin[$axis] += s;
    return part;
  });
};

/** Concat (every skip connection) as interleaved heap copies. */
const concat: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const parts = inputs as unknown as TensorInfo[];
  if (!parts.every((t) => isHeapDtype(t.dtype) && t.dtype === parts[0].dtype)) return stockOrThrow(Concat).kernelFunc(args);
  const axis = util.parseAxisParam((attrs as unknown as ConcatAttrs).axis, parts[0].shape)[0];
  backend_util.assertParamsConsistent(parts.map((t) => t.shape), axis);
  return concatOnHeap(backend as BackendWasm, parts, axis);
};

/**
 * MaxPoolGrad: each window's gradient goes to its first maximum, as on the CPU backend, in one
 * pass of JS over the heap. Replaces the stock C++ kernel, which is ~20× slower on the UNet's 2×2
 * stride-2 pooling and disagrees with the CPU backend on overlapping 'same' windows.
 */
const maxPoolGrad: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  if (input.dtype !== 'float32') return stockOrThrow(MaxPoolGrad).kernelFunc(args);
  const info = backend_util.computePool2DInfo(input.shape as Shape4D, filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, padInfo: { top, left } } = info;
  const wasm = backend as BackendWasm;
  const dx = wasm.makeOutput(input.shape, 'float32');
  const heap = heaps(wasm).HEAPF32;
  const xAt = wasm.dataIdMap.get(input.dataId).memoryOffset / 4;
  const dxAt = wasm.dataIdMap.get(dx.dataId).memoryOffset / 4;
  let g = wasm.dataIdMap.get(dy.dataId).memoryOffset / 4;
  heap.fill(0, dxAt, dxAt + util.sizeFromShape(input.shape));
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(inHeight, oy * sh - top + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(inWidth, ox * sw - left + fw);
        for (let c = 0; c < channels; c++, g++) {
          let best = -Infinity;
          let at = -1;
          for (let yy = y0; yy < y1; yy++) {
            for (let xx = x0; xx < x1; xx++) {
              const k = ((b * inHeight + yy) * inWidth + xx) * channels + c;
              const v = heap[xAt + k];
              if (v > best) {
                best = v;
                at = k;
              }
            }
          }
          if (at >= 0) heap[dxAt + at] += heap[g];
        }
      }
    }
  }
  return dx;
};

/**
 * PadV2 as a fill and a memmove per run on the heap when runs are long (spatial padding of NHWC:
 * ~5× faster than the stock generic C++ loop); the stock kernel when they are short.
 */
const padV2: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const { paddings, constantValue } = attrs as unknown as PadV2Attrs;
  if (!isHeapDtype(x.dtype) || !padsLongRuns(x.shape, paddings)) return stockOrThrow(PadV2).kernelFunc(args);
  return padOnHeap(backend as BackendWasm, x, paddings, constantValue);
};

/**
 * Reverse as whole runs copied on the heap when the runs are long (the filter flip of every input
 * gradient; the stock C++ kernel walks element by element: 100 ms for a 3×3×512×512 filter).
 */
const reverse: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const axes = util.parseAxisParam((attrs as unknown as ReverseAttrs).dims, x.shape);
  if (!isHeapDtype(x.dtype) || !reversesLongRuns(x.shape, axes)) return stockOrThrow(Reverse).kernelFunc(args);
  return reverseOnHeap(backend as BackendWasm, x, axes);
};

/** Identity shares the data, as on the CPU backend (stock: a copy; tfjs tensors are immutable). */
const identity: KernelFunc = (args) => {
  const { inputs, backend } = args;
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string') return stockOrThrow(Identity).kernelFunc(args);
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/** Our kernels, by name: what the UNet's training step needs beyond (or instead of) stock WASM. */
export const wasmTrainingKernels: readonly KernelConfig[] = [
  { kernelName: Conv2DBackpropFilter, backendName: WASM, kernelFunc: conv2DBackpropFilter },
  { kernelName: Conv2DBackpropInput, backendName: WASM, kernelFunc: conv2DBackpropInput },
  { kernelName: Slice, backendName: WASM, kernelFunc: slice },
  { kernelName: SplitV, backendName: WASM, kernelFunc: splitV },
  { kernelName: Concat, backendName: WASM, kernelFunc: concat },
  { kernelName: MaxPoolGrad, backendName: WASM, kernelFunc: maxPoolGrad },
  { kernelName: PadV2, backendName: WASM, kernelFunc: padV2 },
  { kernelName: Identity, backendName: WASM, kernelFunc: identity },
  { kernelName: Reverse, backendName: WASM, kernelFunc: reverse },
];

let registered = false;

/**
 * Registers the training kernels for the 'wasm' backend (idempotent). Call after importing
 * @tensorflow/tfjs-backend-wasm and before tf.setBackend('wasm'); model/backends.ts does this.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const existing = new Map(getKernelsForBackend(WASM).map((k) => [k.kernelName, k]));
  if (!existing.has(Conv2D)) throw new Error('registerWasmTrainingKernels: import @tensorflow/tfjs-backend-wasm first');
  for (const config of wasmTrainingKernels) {
    const stock = existing.get(config.kernelName);
    if (stock) {
      stockKernels.set(config.kernelName, stock);
      unregisterKernel(config.kernelName, WASM);
    }
    // Keep the stock setup: it binds the C++ entry point that the stock fallback calls.
    registerKernel({ ...config, setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc });
  }
  registered = true;
}
