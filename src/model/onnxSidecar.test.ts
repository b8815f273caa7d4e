// The sidecar as people write it, right and wrong: every field checked with a message naming the
// file and the field; and the check of a model's own input and output shapes against it (rank,
// channels, size, a fixed batch), as ONNX Runtime reports them.
import { describe, expect, it } from 'vitest';
import { checkModelFitsSidecar, parseSidecar, sidecarNameOf, type OnnxShapes, type OnnxSidecar } from './onnxSidecar';

const GOOD: OnnxSidecar = { inputSize: 128, window: { width: 500, center: 150 }, clahe: { clipLimit: 2, tiles: [8, 8] }, scale: 1 / 255, output: 'probability', threshold: 0.5, layout: 'NCHW' };
const FILE = 'unet.liverlab.json';

describe('sidecar', () => {
  it('is named after the model', () => {
    expect(sidecarNameOf('unet.onnx')).toBe('unet.liverlab.json');
    expect(sidecarNameOf('Liver.v2.ONNX')).toBe('Liver.v2.liverlab.json');
  });

  it('reads a right one, with window and CLAHE or without', () => {
    expect(parseSidecar(JSON.stringify(GOOD), FILE)).toEqual({ ok: true, value: GOOD });
    const hu = { ...GOOD, window: null, clahe: null, scale: 0.001, output: 'logits', layout: 'NHWC' };
    expect(parseSidecar(JSON.stringify(hu), FILE)).toEqual({ ok: true, value: hu });
  });

  const wrong: [string, unknown, RegExp][] = [
    ['not JSON', '{inputSize: 128', /not valid JSON/],
    ['an array', [], /JSON object/],
    ['inputSize missing', { ...GOOD, inputSize: undefined }, /inputSize must be a whole number/],
    ['inputSize 12.5', { ...GOOD, inputSize: 12.5 }, /inputSize/],
    ['window without width', { ...GOOD, window: { center: 40 } }, /window must be/],
    ['negative window', { ...GOOD, window: { width: -1, center: 40 } }, /window must be/],
    ['clahe tiles of one', { ...GOOD, clahe: { clipLimit: 2, tiles: [8] } }, /clahe must be/],
    ['clahe on HU', { ...GOOD, window: null }, /clahe needs a window/],
    ['scale 0', { ...GOOD, scale: 0 }, /scale must be a non-zero number/],
    ['output softmax', { ...GOOD, output: 'softmax' }, /output must be "probability" or "logits"/],
    ['threshold 2', { ...GOOD, threshold: 2 }, /threshold must be a probability/],
    ['layout CHW', { ...GOOD, layout: 'CHW' }, /layout must be "NCHW" or "NHWC"/],
  ];
  for (const [name, value, message] of wrong) {
    it(`refuses ${name}, naming the file`, () => {
      const r = parseSidecar(typeof value === 'string' ? value : JSON.stringify(value), FILE);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problem.file).toBe(FILE);
        expect(r.problem.message).toMatch(message);
      }
    });
  }
});

describe("the model's shapes against its sidecar", () => {
  const shapes = (input: (number | string)[] | null, output: (number | string)[] | null, inputs = 1): OnnxShapes => ({ input: { name: 'image', shape: input }, output: { name: 'probability', shape: output }, inputs, outputs: 1 });
  const check = (s: OnnxShapes, sidecar: OnnxSidecar = GOOD) => checkModelFitsSidecar(s, sidecar, 'unet.onnx', FILE);

  it('fits NCHW and NHWC with a dynamic batch or a batch of 1; unknown shapes are let through', () => {
    expect(check(shapes(['batch', 1, 128, 128], ['batch', 1, 128, 128]))).toEqual({ ok: true, value: { batch: null } });
    expect(check(shapes([1, 128, 128, 1], [1, 128, 128, 1]), { ...GOOD, layout: 'NHWC' })).toEqual({ ok: true, value: { batch: 1 } });
    expect(check(shapes(['n', 1, 'h', 'w'], ['n', 128, 128]))).toEqual({ ok: true, value: { batch: null } });
    expect(check(shapes(null, null)).ok).toBe(true);
  });

  const misfits: [string, OnnxShapes, OnnxSidecar, string, RegExp][] = [
    ['rank 3 input', shapes(['batch', 128, 128], ['batch', 1, 128, 128]), GOOD, 'unet.onnx', /input "image" has rank 3 \(\[batch, 128, 128\]\); LiverLab needs rank 4/],
    ['three channels', shapes(['batch', 3, 128, 128], ['batch', 1, 128, 128]), GOOD, 'unet.onnx', /takes 3 channels .*CT slices have 1/],
    ['NHWC model read as NCHW', shapes(['batch', 128, 128, 1], ['batch', 128, 128, 1]), GOOD, 'unet.onnx', /takes 128 channels/],
    ['another size', shapes(['batch', 1, 256, 256], ['batch', 1, 256, 256]), GOOD, FILE, /inputSize 128 does not fit the model's input \[batch, 1, 256, 256\]/],
    ['two inputs', shapes(['batch', 1, 128, 128], ['batch', 1, 128, 128], 2), GOOD, 'unet.onnx', /has 2 inputs/],
    ['two output channels', shapes(['batch', 1, 128, 128], ['batch', 2, 128, 128]), GOOD, 'unet.onnx', /output "probability" has 2 channels/],
    ['a fixed batch of 4', shapes([4, 1, 128, 128], [4, 1, 128, 128]), GOOD, 'unet.onnx', /batch is fixed at 4/],
  ];
  for (const [name, s, sidecar, file, message] of misfits) {
    it(`refuses ${name}, naming ${file}`, () => {
      const r = check(s, sidecar);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problem.file).toBe(file);
        expect(r.problem.message).toMatch(message);
      }
    });
  }
});
