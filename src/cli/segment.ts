// `segment --model <dir|model.json|model.onnx> <patient folder|zips…> --out-seg pred.dcm --out-nifti
// pred.nii.gz`: the viewer's segmentation from the command line, the job itself being
// src/jobs/segment/ (shared with the infer worker). Here only what a command does: reads the
// arguments, the model (a tfjs layers folder as the app exports it or as `cli train --out` writes it,
// or the .json itself; or an ONNX model with its `<name>.liverlab.json` sidecar beside it, run by
// onnxruntime-node) and the dropped files; picks the patient; runs the job over EVERY CT slice
// (preprocessed as the model was trained: window + CLAHE like the training data, or as the sidecar
// says; the prediction covers the whole series, not only the kept range); writes the files asked for
// and prints one JSON summary as the last line of stdout. Progress and notes go to stderr. Never
// exits the process itself (main.ts does).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { geometryFromSlices } from '../export/geometry';
import { chooseBackend } from '../model/backends';
import { restoreModel } from '../model/checkpoint';
import { fromModelFiles, modelInputSize } from '../model/modelFiles';
import { DEFAULT_PIPELINE_PARAMS } from '../pipeline/params';
import { loadCtToSegment } from '../jobs/segment/ctSeries';
import { preprocessForModel, preprocessForModelInput } from '../jobs/segment/preprocessForModel';
import { resizeNote, segmentVolume } from '../jobs/segment/segmentVolume';
import { keptSlabOfTruth, masksOf } from '../jobs/segment/segmentation';
import { tfjsSegmentationModel, type SegmentationModel } from '../model/segmentationModel';
import { loadOnnxModelFile } from './onnxModelFile';
import { montageOfMask, niftiOfMask, segOfMask } from '../jobs/segment/segmentationExports';
import type { CliCommand, CliIo } from './command';
import { readArgs } from './args';
import { collectNodeSources } from '../node/nodeSources';
import { dropPatients } from './dropPatients';

const USAGE = `Usage: npm run cli -- segment --model <dir|model.json|model.onnx> <patient folder|file|zip>… [options]

Segments every slice of one patient's CT series with a LiverLab model (tfjs layers format, as the
app exports it, on the WASM backend) or an ONNX model (onnxruntime-node, CPU). Slices are windowed
(500/150) and CLAHE'd like the training data — for an ONNX model, as its sidecar says — resized to
the model's input and the probabilities resized back.

Options:
  --model PATH        folder holding the model's .json (+ its .bin weights), or the .json itself,
                      or a .onnx with its sidecar <name>.liverlab.json beside it (required); in a
                      folder, the one tfjs layers model .json is taken (model.json first), other
                      .json files (history.json of \`cli train\`) are ignored
  --patient NAME      which patient, when the drop holds several
  --organ NAME        ground-truth mask folder under MASKS_DICOM (default liver); without it,
                      only the prediction is written and the metrics are null
  --threshold T       probability threshold, 0..1 (default 0.5, or the ONNX sidecar's)
  --largest           keep only the largest 3-D (26-connected) component
  --out-seg FILE      DICOM SEG (binary, one segment "Liver") referencing the CT slices
  --out-nifti FILE    NIfTI-1 .nii.gz, uint8 labels, RAS affine from the DICOM geometry
  --out-png FILE      PNG montage of six slices with the prediction (orange) and truth (green outline)

Last line of stdout: {"patient","slices","size","threshold","largest","dice","iou","hausdorff95Mm",
"predictedMl","trueMl","scope","keptSlab","backend","inferMsPerSlice","seg","nifti","png"}: the figures
are the whole scan's; keptSlab gives them for the slices preprocessing keeps of the organ (its first..last
slice less 5 at each end: what a model trains and validates on), with their 0-based first and last index.
Exit code: 0 on success, 1 when the patient or model cannot be read, 2 on a usage error.
`;

export const segmentCommand: CliCommand = {
  usage: USAGE,
  run: runSegment,
};

async function runSegment(args: string[], io: CliIo): Promise<number> {
  const parsed = readArgs(
    'segment',
    USAGE,
    args,
    {
      model: { type: 'string' },
      patient: { type: 'string' },
      organ: { type: 'string' },
      threshold: { type: 'string' },
      largest: { type: 'boolean' },
      'out-seg': { type: 'string' },
      'out-nifti': { type: 'string' },
      'out-png': { type: 'string' },
    },
    io,
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const givenThreshold = values.threshold === undefined ? null : Number(values.threshold);
  const usage = !values.model
    ? '--model is required'
    : positionals.length === 0
      ? 'give the patient folder, files or zips'
      : givenThreshold !== null && !(givenThreshold >= 0 && givenThreshold <= 1)
        ? `--threshold takes a number from 0 to 1, got ${values.threshold}`
        : null;
  if (usage) {
    io.err(`segment: ${usage}\n\n${USAGE}`);
    return 2;
  }
  const organ = values.organ ?? DEFAULT_PIPELINE_PARAMS.organ;
  const largest = values.largest ?? false;

  const loaded = await loadSegmentationModel(values.model!);
  if (typeof loaded === 'string') {
    io.err(`segment: ${loaded}\n`);
    return 1;
  }
  const { model, backend } = loaded;
  const size = model.inputSize;
  const threshold = givenThreshold ?? model.threshold;

  const drop = await collectNodeSources(positionals);
  if (drop.missing.length > 0) {
    io.err(`segment: no such file or folder: ${drop.missing.join(', ')}\n`);
    return 2;
  }
  const found = await dropPatients('segment', drop, organ, io);
  const names = found.names;
  const patient = values.patient ?? (names.length === 1 ? names[0] : null);
  if (!patient || !names.includes(patient)) {
    io.err(`segment: ${names.length === 0 ? 'no patient found' : `choose one patient with --patient (found ${names.join(', ')})`}\n`);
    return names.length === 0 ? 1 : 2;
  }
  io.err(`segment: reading ${patient}…\n`);
  const loadedCt = await loadCtToSegment(drop.sources, found.filesOf(patient), organ);
  if (!loadedCt.ok) {
    io.err(`segment: ${loadedCt.problem.file}: ${loadedCt.problem.message}\n`);
    return 1;
  }
  const { ct, truth, truthProblem, problems } = loadedCt.value;
  for (const problem of problems) io.err(`segment: ${problem.file}: ${problem.message}\n`);
  if (truthProblem) io.err(`segment: ${truthProblem.message}; predicting without ground truth\n`);
  const volume = preprocessForModelInput(ct, model.preprocessing);
  const { width: w, height: h } = volume;
  const geometry = geometryFromSlices(ct);
  const note = resizeNote(size, w, h);
  if (note) io.err(`segment: ${note}\n`);

  const { probabilities, msPerSlice } = await segmentVolume(model, volume, { onProgress: (done, total) => io.err(`segment: ${done}/${total} slices\r`) });
  io.err('\n');
  model.dispose();
  // Figures for the whole scan, and beside them for the slab preprocessing keeps (what a model trains and validates on).
  const slab = truth ? keptSlabOfTruth(truth, ct.length, DEFAULT_PIPELINE_PARAMS.margin) : null;
  const grey = volume.images instanceof Uint8Array ? volume.images : preprocessForModel(ct).images;
  const segmentation = { name: patient, scope: 'scan' as const, ...volume, images: grey, spacing: geometry.spacing, truth, probabilities, slab, ct, modelName: 'model', msPerSlice };
  const { mask, metrics, slabMetrics } = masksOf(segmentation, { threshold, largestComponent: largest });

  const written: { seg: string | null; nifti: string | null; png: string | null; segProblem?: string } = { seg: null, nifti: null, png: null };
  if (values['out-seg']) {
    const seg = segOfMask(mask, ct, { patientName: patient });
    if ('problem' in seg) {
      written.segProblem = seg.problem;
    } else {
      written.seg = path.resolve(values['out-seg']);
      await writeFile(written.seg, seg.bytes);
    }
  }
  if (values['out-nifti']) {
    written.nifti = path.resolve(values['out-nifti']);
    await writeFile(written.nifti, niftiOfMask(mask, geometry));
  }
  if (values['out-png']) {
    written.png = path.resolve(values['out-png']);
    await writeFile(written.png, montageOfMask({ width: w, height: h, pixels: grey, mask, truth }));
  }
  const summary = {
    patient,
    slices: ct.length,
    width: w,
    height: h,
    size,
    threshold,
    largest,
    dice: round(metrics.dice),
    iou: round(metrics.iou),
    hausdorff95Mm: round(metrics.hausdorff95Mm),
    predictedMl: round(metrics.predictedMl),
    trueMl: round(metrics.trueMl),
    metricsNote: metrics.reason,
    scope: 'whole scan',
    keptSlab:
      slab && slabMetrics
        ? { from: slab[0], to: slab[1], dice: round(slabMetrics.dice), iou: round(slabMetrics.iou), hausdorff95Mm: round(slabMetrics.hausdorff95Mm), predictedMl: round(slabMetrics.predictedMl), trueMl: round(slabMetrics.trueMl) }
        : null,
    spacing: geometry.spacing.map((v) => round(v)),
    backend,
    inferMsPerSlice: round(msPerSlice),
    ...written,
  };
  io.out(`${JSON.stringify(summary)}\n`);
  return 0;
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10000) / 10000;
}

/** The model behind SegmentationModel: an ONNX model (onnxruntime-node) or a tfjs layers model (WASM backend). */
async function loadSegmentationModel(modelPath: string): Promise<{ model: SegmentationModel; backend: string } | string> {
  if (/\.onnx$/i.test(modelPath)) {
    const onnx = await loadOnnxModelFile(modelPath);
    return typeof onnx === 'string' ? onnx : { model: onnx, backend: 'onnxruntime-node (cpu)' };
  }
  const loaded = await loadModelFiles(modelPath);
  if (typeof loaded === 'string') return loaded;
  const { backend } = await chooseBackend('wasm');
  return { model: tfjsSegmentationModel(await restoreModel(loaded.snapshot), loaded.size), backend };
}

/**
 * The model's .json (+ the .bin files beside it) from a folder or the .json's own path, checked to
 * fit. In a folder, the tfjs layers model .json (one with modelTopology and weightsManifest) is
 * taken — model.json when there are several — and other .json files (`cli train`'s history.json)
 * are ignored.
 */
export async function loadModelFiles(modelPath: string) {
  const info = await stat(modelPath).catch(() => null);
  if (!info) return `no such model: ${modelPath}`;
  const dir = info.isDirectory() ? modelPath : path.dirname(modelPath);
  const files = await readdir(dir);
  const chosen = info.isDirectory() ? await chooseModelJson(dir, files) : { name: path.basename(modelPath), text: await readFile(modelPath, 'utf8') };
  if (typeof chosen === 'string') return chosen;
  const binaries = new Map<string, ArrayBuffer>();
  for (const f of files.filter((name) => name.endsWith('.bin'))) {
    const b = await readFile(path.join(dir, f));
    binaries.set(f, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }
  try {
    const snapshot = fromModelFiles(chosen.text, binaries);
    const fit = modelInputSize(snapshot);
    return fit.ok ? { snapshot, size: fit.size, file: chosen.name } : `${chosen.name}: ${fit.message}`;
  } catch (e) {
    return `${chosen.name}: ${(e as Error).message}`;
  }
}

/** The one tfjs layers model .json of a folder (model.json preferred), or why there is none to take. */
async function chooseModelJson(dir: string, files: string[]): Promise<{ name: string; text: string } | string> {
  const jsons = files.filter((f) => f.toLowerCase().endsWith('.json')).sort();
  const models: { name: string; text: string }[] = [];
  for (const name of jsons) {
    const text = await readFile(path.join(dir, name), 'utf8');
    if (isLayersModel(text)) models.push({ name, text });
  }
  const preferred = models.find((m) => m.name === 'model.json');
  if (preferred) return preferred;
  if (models.length === 1) return models[0];
  if (models.length > 1) return `${dir}: expected one tfjs layers model .json, found ${models.map((m) => m.name).join(', ')}`;
  return `${dir}: no tfjs layers model .json (one with modelTopology and weightsManifest)${jsons.length > 0 ? `; found ${jsons.join(', ')}` : ''}`;
}

function isLayersModel(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { modelTopology?: unknown; weightsManifest?: unknown } | null;
    return typeof parsed === 'object' && parsed !== null && !!parsed.modelTopology && Array.isArray(parsed.weightsManifest);
  } catch {
    return false;
  }
}
