// Working on the WASM backend's heap from JS, for the training kernels in wasmKernels.ts:
// a scratch space that runs stock WASM kernels and frees what they made, zero-copy views into a
// tensor's memory, and the memory-layout kernels (Slice, SplitV, Concat) that the stock backend
// implements with a full copy of the input per call (readSync) and one typed-array allocation per
// row — the UNet's skip concatenations and their gradients spent more time there than in XNNPACK.
//
// Must never: keep a heap view across an allocation (the heap may grow and detach it; take views
// right after makeOutput), free a view's memory (views are unregistered, never _free'd), read
// tensor values into JS copies, or handle strings (those go to the stock kernels).
// Pure tfjs: no DOM, no IndexedDB; runs in Node, workers and the tab.
import { backend as activeBackend, backend_util, getBackend, getKernel, util } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, NamedAttrMap, NamedTensorInfoMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const WASM = 'wasm';

/** Stock kernels we replace, kept for the inputs our versions do not take (strings, NCHW…). */
export const stockKernels = new Map<string, KernelConfig>();

type Heap = Float32Array | Int32Array | Uint8Array;

/** The Emscripten heap views (typed here: the app's tsconfig does not load @types/emscripten). */
interface EmscriptenHeaps {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  HEAPU8: Uint8Array;
}

/** The heap views as of now: take them after any allocation, never keep them across one. */
export function heaps(backend: BackendWasm): EmscriptenHeaps {
  return backend.wasm as unknown as EmscriptenHeaps;
}

/** The heap as an array of `dtype`, and where tensor `t` starts in it (in elements). */
function heapOf(backend: BackendWasm, t: TensorInfo): { heap: Heap; start: number } {
  const { memoryOffset } = backend.dataIdMap.get(t.dataId);
  const { HEAPF32, HEAP32, HEAPU8 } = heaps(backend);
  switch (t.dtype) {
    case 'float32': return { heap: HEAPF32, start: memoryOffset / 4 };
    case 'int32': return { heap: HEAP32, start: memoryOffset / 4 };
    case 'bool': return { heap: HEAPU8, start: memoryOffset };
    default: throw new Error(`wasm heap: unsupported dtype ${t.dtype}`);
  }
}

/** Copies `length` elements within one heap; short runs in a loop, long ones with memmove. */
function copyRun(heap: Heap, to: number, from: number, length: number): void {
  if (length >= 32) {
    heap.copyWithin(to, from, from + length);
  } else {
    for (let k = 0; k < length; k++) heap[to + k] = heap[from + k];
  }
}

/**
 * A float32 tensor's values to read: a view into the WASM heap, no copy (valid until the next
 * allocation), on the WASM backend; a dataSync copy on the others.
 */
export function floatValues(t: Tensor): Float32Array {
  if (getBackend() !== WASM) return t.dataSync() as Float32Array;
  const { heap, start } = heapOf(activeBackend() as BackendWasm, t);
  return (heap as Float32Array).subarray(start, start + t.size);
}

export function isHeapDtype(dtype: DataType): boolean {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

/**
 * Copies the box `size` at `fromBegin` in a tensor of shape `fromShape` (starting at heap element
 * `from`) to `toBegin` in one of shape `toShape` (at `to`), one contiguous run at a time.
 */
function copyBox(heap: Heap, from: number, fromShape: number[], fromBegin: number[],
  to: number, toShape: number[], toBegin: number[], size: number[]): void {
  if (util.sizeFromShape(size) === 0) return;
  const rank = size.length;
  const fromStrides = [...util.computeStrides(fromShape), 1];
  const toStrides = [...util.computeStrides(toShape), 1];
  for (let d = 0; d < rank; d++) {
    from += fromBegin[d] * fromStrides[d];
    to += toBegin[d] * toStrides[d];
  }
  // Trailing dimensions whole in both tensors merge into one run, plus one partial dimension.
  let outer = rank - 1;
  while (outer > 0 && size[outer] === fromShape[outer] && size[outer] === toShape[outer]) outer--;
  const run = util.sizeFromShape(size.slice(outer));
  if (outer === 0) {
    copyRun(heap, to, from, run);
    return;
  }
  const index = new Array<number>(outer).fill(0);
  const runs = util.sizeFromShape(size.slice(0, outer));
  for (let r = 0; r < runs; r++) {
    let src = from;
    let dst = to;
    for (let d = 0; d < outer; d++) {
      src += index[d] * fromStrides[d];
      dst += index[d] * toStrides[d];
    }
    copyRun(heap, dst, src, run);
    for (let d = outer - 1; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
}

/** x[begin : begin + size], copying contiguous runs on the heap. */
export function sliceOnHeap(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const { heap, start } = heapOf(backend, x);
  copyBox(heap, start, x.shape, begin, heapOf(backend, out).start, size, size.map(() => 0), size);
  return out;
}

/** Runs this long or longer are copied faster by memmove than by the stock C++ loops. */
const LONG_RUN = 64;

/** Whether padding x leaves contiguous runs long enough for padOnHeap to beat the stock PadV2. */
export function padsLongRuns(shape: number[], paddings: [number, number][]): boolean {
  let run = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    run *= shape[d];
    if (paddings[d][0] !== 0 || paddings[d][1] !== 0) break;
  }
  return run >= LONG_RUN;
}

/** x padded with `value`: fill, then copy x's runs into place. */
export function padOnHeap(backend: BackendWasm, x: TensorInfo, paddings: [number, number][], value = 0): TensorInfo {
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = backend.makeOutput(outShape, x.dtype);
  const { heap, start: to } = heapOf(backend, out);
  heap.fill(value, to, to + util.sizeFromShape(outShape));
  copyBox(heap, heapOf(backend, x).start, x.shape, x.shape.map(() => 0), to, outShape, paddings.map(([before]) => before), x.shape);
  return out;
}

/** Concatenation along `axis` as interleaved runs on the heap. */
export function concatOnHeap(backend: BackendWasm, inputs: TensorInfo[], axis: number): TensorInfo {
  const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  const parts = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
  if (parts.length === 0) return out;
  const outer = util.sizeFromShape(outShape.slice(0, axis));
  const inner = parts.map((t) => util.sizeFromShape(t.shape.slice(axis)));
  const starts = parts.map((t) => heapOf(backend, t).start);
  const { heap, start: outStart } = heapOf(backend, out);
  let to = outStart;
  for (let b = 0; b < outer; b++) {
    for (let i = 0; i < parts.length; i++) {
      copyRun(heap, to, starts[i] + b * inner[i], inner[i]);
      to += inner[i];
    }
  }
  return out;
}

/** The dimensions a reversal along `axes` walks: up to the last reversed one; the rest is one run. */
const reversedOuterDims = (axes: number[]) => (axes.length === 0 ? 0 : Math.max(...axes) + 1);

/** Whether reversing x along `axes` leaves runs long enough for reverseOnHeap to beat the stock Reverse. */
export function reversesLongRuns(shape: number[], axes: number[]): boolean {
  return util.sizeFromShape(shape.slice(reversedOuterDims(axes))) >= LONG_RUN;
}

/**
 * x reversed along `axes`: one run for every position of the dimensions up to the last reversed
 * one, copied whole (the 3×3 filter flip of an input gradient is 9 runs of cin·cout values).
 */
export function reverseOnHeap(backend: BackendWasm, x: TensorInfo, axes: number[]): TensorInfo {
  const out = backend.makeOutput(x.shape, x.dtype);
  const outer = reversedOuterDims(axes);
  const run = util.sizeFromShape(x.shape.slice(outer));
  const runs = util.sizeFromShape(x.shape.slice(0, outer));
  const strides = [...util.computeStrides(x.shape.slice(0, outer)), 1];
  const flipped = x.shape.slice(0, outer).map((_, d) => axes.includes(d));
  const { heap, start: from } = heapOf(backend, x);
  const to = heapOf(backend, out).start;
  const index = new Array<number>(outer).fill(0);
  for (let r = 0; r < runs; r++) {
    let src = 0;
    for (let d = 0; d < outer; d++) src += (flipped[d] ? x.shape[d] - 1 - index[d] : index[d]) * strides[d];
    copyRun(heap, to + r * run, from + src * run, run);
    for (let d = outer - 1; d >= 0; d--) {
      if (++index[d] < x.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * An NHWC float32 x, spatially padded with zeros, laid out channel-major with one zero channel
 * more: [c + 1, n·hp·wp], in one pass (pad then transpose took 2–3× as long at 256² × 32–64).
 */
export function channelMajorPaddedOnHeap(backend: BackendWasm, x: TensorInfo, [top, bottom]: [number, number], [left, right]: [number, number]): TensorInfo {
  const [n, h, w, c] = x.shape;
  const hp = h + top + bottom;
  const wp = w + left + right;
  const grid = n * hp * wp;
  const out = backend.makeOutput([c + 1, grid], 'float32');
  const { heap, start: from } = heapOf(backend, x);
  const to = heapOf(backend, out).start;
  heap.fill(0, to, to + (c + 1) * grid);
  let src = from;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const row = to + (b * hp + y + top) * wp + left;
      for (let col = 0; col < w; col++) {
        for (let ch = 0, q = row + col; ch < c; ch++, q += grid) heap[q] = heap[src++];
      }
    }
  }
  return out;
}

/**
 * Runs stock WASM kernels on behalf of one of ours and frees every intermediate it made.
 * Kernel outputs are tracked until `release`, which disposes all but the result.
 */
export class WasmScratch {
  private readonly made: TensorInfo[] = [];
  private readonly views: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs a kernel; for the ones we replace, the stock version (callers pick ours explicitly). */
  run(kernelName: string, inputs: NamedTensorInfoMap | TensorInfo[], attrs: object = {}): TensorInfo {
    const kernel = stockKernels.get(kernelName) ?? getKernel(kernelName, WASM);
    const out = kernel.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend: this.backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
    return this.track(out);
  }

  /** Takes ownership of a tensor made directly on the backend. */
  track(t: TensorInfo): TensorInfo {
    this.made.push(t);
    return t;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** a [m, k] · b [k, n]: the only BatchMatMul form that reaches XNNPACK (no transposes, batch 1). */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    const [m, k] = a.shape.slice(-2);
    const n = b.shape[b.shape.length - 1];
    const product = this.run('BatchMatMul', { a: this.reshape(a, [1, m, k]), b: this.reshape(b, [1, k, n]) }, { transposeA: false, transposeB: false });
    return this.reshape(product, [m, n]);
  }

  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    if (paddings.every(([before, after]) => before === 0 && after === 0)) return x;
    if (padsLongRuns(x.shape, paddings)) return this.track(padOnHeap(this.backend, x, paddings));
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /**
   * A tensor over `base`'s memory from element `offset` on, without a copy. The caller keeps the
   * elements it reads inside base's allocation; the view is unregistered, never freed.
   */
  view(base: TensorInfo, offset: number, shape: number[]): TensorInfo {
    const { memoryOffset } = this.backend.dataIdMap.get(base.dataId);
    const v = this.backend.makeOutput(shape, base.dtype, memoryOffset + offset * util.bytesPerElement(base.dtype));
    this.views.push(v);
    return v;
  }

  /** Disposes every intermediate except `result` (reshapes share data, so refcounts settle). */
  release(result: TensorInfo): TensorInfo {
    for (const v of this.views) {
      this.backend.wasm.tfjs.disposeData(this.backend.dataIdMap.get(v.dataId).id);
      this.backend.dataIdMap.delete(v.dataId);
    }
    this.views.length = 0;
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    this.made.length = 0;
    return result;
  }
}
