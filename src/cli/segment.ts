// `segment --model <dir> <patient folder|zips…> --out-seg pred.dcm --out-nifti pred.nii.gz`: the
// viewer's inference from the command line. Loads a tfjs layers model as the app exports it
// (model.json + weights .bin), windows + CLAHEs EVERY CT slice with the pipeline's own steps (the
// model was trained on such slices, and the prediction must cover the whole series, not only the
// kept range), predicts on the WASM backend, thresholds (optionally keeps the largest component),
// writes a DICOM SEG referencing the CT slices and a NIfTI, and prints one JSON summary as the
// last line of stdout. Progress goes to stderr. Never exits the process itself (main.ts does).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPatientSeries } from '../discovery/loadPatientSeries';
import { classifyPath, classifyZip } from '../discovery/layout';
import { isZipPath, normalisePath } from '../common/paths';
import { readSliceAsync } from '../dicom/parse';
import { listPatientNames } from '../discovery/patientNames';
import type { DicomSlice } from '../dicom/types';
import type { SourceFile } from '../common/types';
import { expandZip } from '../archive/zip';
import { writeDicomSeg } from '../export/dicomSeg';
import { geometryFromSlices } from '../export/geometry';
import { chooseMontageSlices, renderMontage } from '../export/montage';
import { writeNifti } from '../export/nifti';
import { encodePng } from '../export/png';
import { patientMetrics } from '../metrics/patientMetrics';
import { chooseBackend } from '../model/backends';
import { restoreModel } from '../model/checkpoint';
import { predictProbabilities } from '../model/inference';
import { fromModelFiles, modelInputSize } from '../model/modelFiles';
import { maskFromProbabilities } from '../model/probabilityMask';
import { DEFAULT_PIPELINE_PARAMS } from '../pipeline/params';
import { claheSlice, windowSlice } from '../pipeline/preprocessPatient';
import type { CliCommand, CliIo } from './command';
import { readArgs } from './args';
import { collectNodeSources } from '../node/nodeSources';

const USAGE = `Usage: npm run cli -- segment --model <dir|model.json> <patient folder|file|zip>… [options]

Segments every slice of one patient's CT series with a LiverLab model (tfjs layers format, as the
app exports it), on the WASM backend. Slices are windowed (500/150) and CLAHE'd like the training
data, resized to the model's input and the probabilities resized back.

Options:
  --model PATH        folder holding model.json (+ its .bin weights), or the .json itself (required)
  --patient NAME      which patient, when the drop holds several
  --organ NAME        ground-truth mask folder under MASKS_DICOM (default liver); without it,
                      only the prediction is written and the metrics are null
  --threshold T       probability threshold, 0..1 (default 0.5)
  --largest           keep only the largest 3-D (26-connected) component
  --out-seg FILE      DICOM SEG (binary, one segment "Liver") referencing the CT slices
  --out-nifti FILE    NIfTI-1 .nii.gz, uint8 labels, RAS affine from the DICOM geometry
  --out-png FILE      PNG montage of six slices with the prediction (orange) and truth (green outline)

Last line of stdout: {"patient","slices","size","threshold","largest","dice","iou","hausdorff95Mm",
"predictedMl","trueMl","backend","inferMsPerSlice","seg","nifti","png"}
Exit code: 0 on success, 1 when the patient or model cannot be read, 2 on a usage error.
`;

export const segmentCommand: CliCommand = {
  summary: 'segment one patient with a trained model; write DICOM SEG and NIfTI',
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
  const threshold = values.threshold === undefined ? 0.5 : Number(values.threshold);
  const usage = !values.model
    ? '--model is required'
    : positionals.length === 0
      ? 'give the patient folder, files or zips'
      : !(threshold >= 0 && threshold <= 1)
        ? `--threshold takes a number from 0 to 1, got ${values.threshold}`
        : null;
  if (usage) {
    io.err(`segment: ${usage}\n\n${USAGE}`);
    return 2;
  }
  const organ = values.organ ?? DEFAULT_PIPELINE_PARAMS.organ;
  const largest = values.largest ?? false;

  const loaded = await loadModelFiles(values.model!);
  if (typeof loaded === 'string') {
    io.err(`segment: ${loaded}\n`);
    return 1;
  }
  const { backend } = await chooseBackend('wasm');
  const model = await restoreModel(loaded.snapshot);
  const size = loaded.size;

  const drop = await collectNodeSources(positionals);
  if (drop.missing.length > 0) {
    io.err(`segment: no such file or folder: ${drop.missing.join(', ')}\n`);
    return 2;
  }
  const names = await listPatientNames(drop.sources);
  const patient = values.patient ?? (names.length === 1 ? names[0] : null);
  if (!patient || !names.includes(patient)) {
    io.err(`segment: ${names.length === 0 ? 'no patient found' : `choose one patient with --patient (found ${names.join(', ')})`}\n`);
    return names.length === 0 ? 1 : 2;
  }
  io.err(`segment: reading ${patient}…\n`);
  const series = await loadPatientSeries(drop.sources, patient, organ);
  let ct: DicomSlice[];
  let truth: Uint8Array | null = null;
  if (series.ok) {
    ct = series.value.ct;
  } else {
    // No mask of this organ: segment the CT alone (metrics will be null).
    ct = await loadCtOnly(drop.sources, patient);
    if (ct.length === 0) {
      io.err(`segment: ${series.problem.file}: ${series.problem.message}\n`);
      return 1;
    }
    io.err(`segment: ${series.problem.message}; predicting without ground truth\n`);
  }
  const w = ct[0].columns;
  const h = ct[0].rows;
  const px = w * h;
  const images = new Uint8Array(ct.length * px);
  const windowed = new Uint8Array(px);
  for (let s = 0; s < ct.length; s++) {
    windowSlice(ct[s], DEFAULT_PIPELINE_PARAMS, windowed);
    claheSlice(windowed, w, h, DEFAULT_PIPELINE_PARAMS, images.subarray(s * px, (s + 1) * px));
  }
  if (series.ok) {
    truth = new Uint8Array(ct.length * px);
    series.value.masks.forEach((m, s) => {
      for (let i = 0; i < px; i++) truth![s * px + i] = m.pixels[i] > 0 ? 1 : 0;
    });
  }
  const geometry = geometryFromSlices(ct);
  if (size !== w || size !== h) io.err(`segment: model takes ${size}², slices are ${w}×${h}: resized\n`);

  const t0 = performance.now();
  const probabilities = await predictProbabilities(model, { width: w, height: h, slices: ct.length, images }, {
    size,
    batchSize: 4,
    onProgress: (done, total) => io.err(`segment: ${done}/${total} slices\r`),
  });
  const inferMs = performance.now() - t0;
  io.err('\n');
  model.dispose();
  const mask = maskFromProbabilities(probabilities, w, h, ct.length, { threshold, largestComponent: largest });
  const metrics = patientMetrics(mask, truth, w, h, ct.length, geometry.spacing);

  const written: { seg: string | null; nifti: string | null; png: string | null; segProblem?: string } = { seg: null, nifti: null, png: null };
  if (values['out-seg']) {
    const uids = ct.map((s) => s.sopInstanceUid);
    const first = ct[0];
    if (uids.some((u) => !u) || !first.studyInstanceUid || !first.seriesInstanceUid) {
      written.segProblem = 'the CT slices lack SOP Instance / Study / Series UIDs: a SEG could not reference them';
    } else {
      const seg = writeDicomSeg(mask, {
        patientName: first.patientName ?? patient,
        studyInstanceUid: first.studyInstanceUid,
        seriesInstanceUid: first.seriesInstanceUid,
        frameOfReferenceUid: null,
        sopInstanceUids: uids as string[],
        geometry,
      });
      written.seg = path.resolve(values['out-seg']);
      await writeFile(written.seg, seg);
    }
  }
  if (values['out-nifti']) {
    written.nifti = path.resolve(values['out-nifti']);
    await writeFile(written.nifti, writeNifti(mask, geometry));
  }
  if (values['out-png']) {
    const montage = renderMontage({ width: w, height: h, pixels: images, prediction: mask, truth }, chooseMontageSlices(mask, truth, px));
    written.png = path.resolve(values['out-png']);
    await writeFile(written.png, encodePng(montage.rgba, montage.width, montage.height));
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
    spacing: geometry.spacing.map((v) => round(v)),
    backend,
    inferMsPerSlice: round(inferMs / ct.length),
    ...written,
  };
  io.out(`${JSON.stringify(summary)}\n`);
  return 0;
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10000) / 10000;
}

/** model.json (+ the .bin files beside it) from a folder or the .json's own path, checked to fit. */
async function loadModelFiles(modelPath: string) {
  const info = await stat(modelPath).catch(() => null);
  if (!info) return `no such model: ${modelPath}`;
  const dir = info.isDirectory() ? modelPath : path.dirname(modelPath);
  const files = await readdir(dir);
  const jsons = info.isDirectory() ? files.filter((f) => f.toLowerCase().endsWith('.json')) : [path.basename(modelPath)];
  if (jsons.length !== 1) return `${dir}: expected one model .json, found ${jsons.length === 0 ? 'none' : jsons.join(', ')}`;
  const binaries = new Map<string, ArrayBuffer>();
  for (const f of files.filter((name) => name.endsWith('.bin'))) {
    const b = await readFile(path.join(dir, f));
    binaries.set(f, b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }
  try {
    const snapshot = fromModelFiles(await readFile(path.join(dir, jsons[0]), 'utf8'), binaries);
    const fit = modelInputSize(snapshot);
    return fit.ok ? { snapshot, size: fit.size } : `${jsons[0]}: ${fit.message}`;
  } catch (e) {
    return `${jsons[0]}: ${(e as Error).message}`;
  }
}

/**
 * The CT series of a patient that has no mask of the organ (loadPatientSeries needs one): its
 * PATIENT_DICOM slices, from files or zips, sorted by InstanceNumber. Unreadable files are skipped.
 */
async function loadCtOnly(sources: SourceFile[], patient: string): Promise<DicomSlice[]> {
  const isOurCt = (p: string) => {
    const role = classifyPath(p);
    return role?.kind === 'ct' && role.patient === patient;
  };
  const slices: DicomSlice[] = [];
  const add = async (bytes: Uint8Array, file: string) => {
    const slice = await readSliceAsync(bytes, file);
    if (slice.ok) slices.push(slice.value);
  };
  for (const source of sources) {
    const p = normalisePath(source.path);
    if (!isZipPath(p)) {
      if (isOurCt(p)) await add(await source.bytes(), p);
      continue;
    }
    if (classifyZip(p).kind === 'unused') continue;
    const filter = (entry: string) => (isZipPath(entry) ? classifyZip(entry).kind !== 'unused' : isOurCt(entry));
    for await (const item of expandZip({ ...source, path: p }, { filter })) if ('bytes' in item) await add(item.bytes, item.path);
  }
  const size = slices[0] ? [slices[0].rows, slices[0].columns] : [0, 0];
  return slices.filter((s) => s.rows === size[0] && s.columns === size[1]).sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
}
