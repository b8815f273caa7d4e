// Figures for the cluster round trip (`npm run bench:interop` → bench-results/interop.json):
// - the MSD export of each real patient on its own (CLI job, in-process): seconds and bytes, at gzip
//   level 6 (the default) and 1 (--fast);
// - ONNX inference ms per slice (512² slices resized to the model's input) of the reference UNet
//   trained by scripts/onnx_round_trip.py (default: 128², base 8, one epoch — speed does not depend on
//   training), on onnxruntime-node (CPU) and in Chromium on onnxruntime-web WASM and WebGPU (SwiftShader
//   here: labelled, not a speed figure), with PyTorch's own CPU inference from the script as yardstick.
// Measures only; asserts nothing. The machine's load (`uptime`) is recorded with the figures.
//
// usage: npx tsx scripts/bench-interop.ts [--model model.onnx] [--size 128] [--slices 32] [--no-build]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { setInflateRaw } from '../src/archive/inflate';
import { nodeInflateRaw } from '../src/node/nodeInflate';
import { loadZlibWasmNode } from '../src/node/zlibWasmNode';
import { collectNodeSources } from '../src/node/nodeSources';
import { exportMsd } from '../src/jobs/msdExport/exportMsd';
import { directoryFileTree } from '../src/cli/directoryTree';
import { loadOnnxModelFile } from '../src/cli/onnxModelFile';
import { loadCtToSegment } from '../src/jobs/segment/ctSeries';
import { preprocessForModelInput } from '../src/jobs/segment/preprocessForModel';
import { segmentVolume } from '../src/jobs/segment/segmentVolume';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = resolve(root, '../shared/data');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const log = (line: string) => console.log(`[bench:interop] ${line}`);
const work = mkdtempSync(join(tmpdir(), 'liverlab-bench-interop-'));

async function exportFigures() {
  setInflateRaw(nodeInflateRaw);
  await loadZlibWasmNode();
  const rows = [];
  for (const patient of ['3Dircadb1.17', '3Dircadb1.1']) {
    for (const gzipLevel of [6, 1] as const) {
      const out = join(work, `msd-${patient}-${gzipLevel}`);
      const drop = await collectNodeSources([join(data, patient)]);
      const t0 = performance.now();
      const result = await exportMsd(drop.sources, [patient], 'liver', directoryFileTree(out), { gzipLevel });
      const seconds = (performance.now() - t0) / 1000;
      if (!result.ok) throw new Error(result.problem.message);
      const c = result.value.cases[0];
      const row = { patient, gzipLevel, seconds: Math.round(seconds * 100) / 100, bytes: result.value.bytes, slices: c.slices, mib: Math.round((result.value.bytes / 1048576) * 10) / 10 };
      log(`export ${patient} gzip ${gzipLevel}: ${row.seconds} s, ${row.mib} MiB (${c.slices} slices of 512², HU int16)`);
      rows.push(row);
    }
  }
  return rows;
}

async function main() {
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const exports = await exportFigures();
  let modelPath = arg('--model');
  let torch: { torchMsPerSlice: number; size: number } | null = null;
  if (!modelPath) {
    const msd = join(work, 'msd-both');
    const both = await collectNodeSources([join(data, '3Dircadb1.17'), join(data, '3Dircadb1.1')]);
    const exported = await exportMsd(both.sources, ['3Dircadb1.17', '3Dircadb1.1'], 'liver', directoryFileTree(msd), { gzipLevel: 1 });
    if (!exported.ok) throw new Error(exported.problem.message);
    const size = arg('--size') ?? '128';
    const trained = spawnSync('/usr/bin/python3', [join(root, 'scripts/onnx_round_trip.py'), msd, join(work, 'rt'), '--size', size, '--base', '8', '--epochs', '1'], { encoding: 'utf8' });
    if (trained.status !== 0) throw new Error(`onnx_round_trip.py failed: ${trained.stderr}`);
    torch = JSON.parse(trained.stdout.trim().split('\n').pop()!);
    modelPath = join(work, 'rt/model.onnx');
    log(`PyTorch CPU inference (yardstick, 1 thread): ${torch!.torchMsPerSlice} ms per slice at ${size}²`);
  }
  const sidecarPath = modelPath.replace(/\.onnx$/i, '.liverlab.json');
  const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8'));

  const model = await loadOnnxModelFile(modelPath);
  if (typeof model === 'string') throw new Error(model);
  const ct = await loadCtToSegment((await collectNodeSources([join(data, '3Dircadb1.1')])).sources, '3Dircadb1.1', null);
  if (!ct.ok) throw new Error(ct.problem.message);
  const volume = preprocessForModelInput(ct.value.ct, model.preprocessing);
  await segmentVolume(model, { ...volume, slices: 4, images: volume.images.subarray(0, 4 * 512 * 512) });
  const node = await segmentVolume(model, volume);
  model.dispose();
  log(`onnxruntime-node (CPU): ${node.msPerSlice.toFixed(1)} ms per slice (${volume.slices} slices of 3Dircadb1.1, ${sidecar.inputSize}²)`);

  const benchRoot = join(root, 'scripts/bench-interop');
  const outDir = join(root, '.e2e-dist/bench-interop');
  const config = { configFile: false as const, root: benchRoot, base: './', logLevel: 'error' as const, worker: { format: 'es' as const } };
  if (!process.argv.includes('--no-build')) await build({ ...config, build: { target: 'es2022', outDir, emptyOutDir: true, chunkSizeWarningLimit: 8000 } });
  const server = await preview({ ...config, build: { outDir }, preview: { port: 0, strictPort: false } });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const browserRows = [];
  try {
    const page = await browser.newPage();
    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const modelBase64 = readFileSync(modelPath).toString('base64');
    for (const provider of ['wasm', 'webgpu'] as const) {
      const slices = Number(arg('--slices') ?? 32);
      const reply = await page.evaluate((req) => window.runOnnxBench(req), { provider, sidecar, slices, modelBase64, capMs: 300_000 });
      const label = provider === 'webgpu' ? 'webgpu (SwiftShader: software, not a speed figure)' : 'wasm';
      log(`onnxruntime-web ${label}: ${'msPerSlice' in reply ? `${reply.msPerSlice.toFixed(1)} ms per slice (warm-up ${reply.warmUpMs.toFixed(0)} ms)` : JSON.stringify(reply)}`);
      browserRows.push({ provider: label, ...reply });
    }
  } finally {
    await browser.close();
    server.httpServer.close();
  }
  const results = { load, exports, model: { path: modelPath, bytes: statSync(modelPath).size, sidecar }, pytorchMsPerSlice: torch?.torchMsPerSlice ?? null, nodeMsPerSlice: node.msPerSlice, browser: browserRows };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results/interop.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`load: ${load}; written bench-results/interop.json`);
  rmSync(work, { recursive: true, force: true });
}

await main();
