// Training-speed benchmark, Node part: ms per UNet training step (Adam on −Dice) on each tfjs
// backend that runs in Node (WASM with our training kernels, CPU), next to PyTorch on the CPU
// (shared/tools/torch_unet_step.py, one thread) when /usr/bin/python3 has torch. Prints a table
// and writes bench-results/train.json. Never changes the model code it measures; the CPU backend
// is only run where a step takes minutes, not hours (see --cpu-max-gmac).
//
// The browser backends (WebGPU, WebGL, WASM, CPU in Chromium) come from scripts/bench-train-browser.ts.
//
// WASM is timed on one thread and split over worker threads (model/dataParallel.ts, as `cli train`
// and the tab's trainer run it), --threads 1,2 by default.
//
// usage: npx tsx scripts/bench-train.ts [--quick] [--steps 10] [--budget-s 30] [--backends wasm,cpu|none] [--threads 1,2]
//          [--configs 8x128x4,32x256x2] [--cpu-max-gmac 3] [--no-torch] [--no-browser]
//          [--browser-backends webgpu,webgl,wasm,cpu] [--browser-budget-s 20] [--first-step-cap-s 90] [--rounds 1]
// Timed steps stop at --steps or when --budget-s seconds have passed (at least one timed step).
// --quick runs only UNet base 8, 128², batch 4.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, type BackendName } from '../src/model/backends';
import { trainStepAsync } from '../src/model/train';
import type { StepFunction } from '../src/model/trainer';
import { startTrainingThreads } from '../src/cli/replicaThreads';
import { unet } from '../src/model/unet';
import { warmUp } from './bench-shared/warmUp';
import { benchTrainInBrowser, browserOptionsFromArgs, type BrowserTrainResult, type BrowserTrainSkip } from './bench-train-browser';

interface Config {
  baseFilters: number;
  size: number;
  batch: number;
}

interface TfjsResult extends Config {
  backend: string;
  runtime: 'node';
  /** Threads a step is split over (model/dataParallel.ts); 1: the usual step. */
  threads: number;
  msPerStep: number;
  /** Process CPU time per step: robust to other processes sharing the cores. */
  cpuMsPerStep: number;
  firstStepMs: number;
  /** Untimed steps after the first (bench-shared/warmUp). */
  warmUpSteps: number;
  numTensorsAfter: number;
  steps: number;
}

interface TorchResult {
  framework: string;
  base: number;
  size: number;
  batch: number;
  msPerStep: number;
  firstStepMs: number;
  threads: number;
  /** The same script timed with process CPU time instead of wall time. */
  cpuMsPerStep?: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const torchScript = resolve(root, '../shared/tools/torch_unet_step.py');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const steps = Number(option('steps', '10'));
const budgetMs = Number(option('budget-s', '30')) * 1000;
// `--backends none`: no Node rows (e.g. only the browser's WebGPU row, on a machine with a GPU).
const backends = option('backends', 'wasm,cpu').split(',').filter((b) => b !== '' && b !== 'none') as BackendName[];
const quick = process.argv.includes('--quick');
const withBrowser = !process.argv.includes('--no-browser');
const configs: Config[] = (quick ? '8x128x4' : option('configs', '8x128x4,32x256x2')).split(',').map((c) => {
  const [baseFilters, size, batch] = c.split('x').map(Number);
  return { baseFilters, size, batch };
});
const threadCounts = option('threads', '1,2').split(',').map(Number);
const cpuMaxGmac = Number(option('cpu-max-gmac', '3'));
const withTorch = !process.argv.includes('--no-torch');
// These machines' speed drifts by 10–20 % from minute to minute: --rounds N repeats every row N
// times and reports medians, each ratio taken against the PyTorch step of its own round.
const roundCount = Math.max(1, Number(option('rounds', '1')));

/** Multiply-accumulates of one forward pass of the reference UNet (a step is ≈ 3×). */
function forwardMacs({ baseFilters: b, size, batch }: Config): number {
  let macs = 0;
  const conv = (cin: number, cout: number, k: number, side: number) => { macs += batch * side * side * cin * cout * k * k; };
  const widths = [1, b, 2 * b, 4 * b, 8 * b, 16 * b];
  for (let level = 0; level < 5; level++) {
    const side = Math.floor(size / 2 ** level);
    conv(widths[level], widths[level + 1], 3, side);
    conv(widths[level + 1], widths[level + 1], 3, side);
  }
  const ups: [number, number, number, number][] = [[16 * b, 8 * b, 16 * b, 8 * b], [8 * b, 4 * b, 8 * b, 4 * b], [4 * b, 2 * b, 4 * b, 2 * b], [2 * b, 2 * b, 3 * b, b]];
  ups.forEach(([upIn, upOut, concat, out], i) => {
    const side = Math.floor(size / 2 ** (3 - i));
    conv(upIn, upOut, 2, side / 2);
    conv(concat, out, 3, side);
    conv(out, out, 3, side);
  });
  return macs + batch * size * size * b;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function benchTfjs(backend: string, config: Config, maxSteps: number, threads: number): Promise<TfjsResult> {
  const { baseFilters, size, batch } = config;
  const model = unet({ baseFilters, size });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, size, size, 1]) as tf.Tensor4D;
  const y = tf.cast(tf.greater(tf.randomUniform([batch, size, size, 1]), 0.7), 'float32') as tf.Tensor4D;
  const parallel = await startTrainingThreads(model, threads, batch);
  const step: StepFunction = parallel?.step ?? trainStepAsync;

  let started = performance.now();
  await step(model, optimizer, x, y);
  const firstStepMs = performance.now() - started;
  const warmUpSteps = maxSteps > 1 ? await warmUp(() => step(model, optimizer, x, y), firstStepMs) : 0;

  // Process CPU time counts every thread of the process (the replicas are worker threads).
  const cpuStart = process.cpuUsage();
  started = performance.now();
  let timedSteps = 0;
  while (timedSteps < maxSteps && (timedSteps === 0 || performance.now() - started < budgetMs)) {
    await step(model, optimizer, x, y);
    timedSteps++;
  }
  parallel?.close();
  const msPerStep = (performance.now() - started) / timedSteps;
  const cpuMsPerStep = cpuMs(cpuStart) / timedSteps;
  const numTensorsAfter = tf.memory().numTensors;

  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { backend, runtime: 'node', threads, baseFilters, size, batch, msPerStep, cpuMsPerStep, firstStepMs, warmUpSteps, numTensorsAfter, steps: timedSteps };
}

function torchAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runTorch(args: string[], clock: 'wall' | 'cpu'): TorchResult {
  // For CPU time, run the unchanged script with its perf_counter swapped for process_time.
  const argv = clock === 'wall' ? [torchScript, ...args] : ['-c',
    'import runpy, sys, time; time.perf_counter = time.process_time; sys.argv = sys.argv[1:]; '
    + 'runpy.run_path(sys.argv[0], run_name="__main__")', torchScript, ...args];
  const out = execFileSync('/usr/bin/python3', argv, { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as TorchResult;
}

function benchTorch({ baseFilters, size, batch }: Config): TorchResult {
  const args = ['--base', String(baseFilters), '--size', String(size), '--batch', String(batch), '--threads', '1',
    '--steps', String(Math.max(3, steps))];
  const wall = runTorch(args, 'wall');
  return { ...wall, cpuMsPerStep: runTorch(args, 'cpu').msPerStep };
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

interface Round {
  results: TfjsResult[];
  skipped: { backend: string; config: Config; reason: string }[];
  browser: { results: BrowserTrainResult[]; skipped: BrowserTrainSkip[] };
  torch: TorchResult[];
}

/** Every row once: the Node backends, the browser's, then PyTorch. */
async function measureRound(buildBrowserBench: boolean): Promise<Round> {
  const results: TfjsResult[] = [];
  const skipped: Round['skipped'] = [];
  for (const wanted of backends) {
    const choice = await chooseBackend(wanted);
    if (choice.backend !== wanted) {
      skipped.push(...configs.map((config) => ({ backend: wanted, config, reason: choice.skipped[0]?.reason ?? 'unavailable' })));
      continue;
    }
    for (const config of configs) {
      const gmac = (3 * forwardMacs(config)) / 1e9;
      if (wanted === 'cpu' && gmac > cpuMaxGmac) {
        skipped.push({ backend: wanted, config, reason: `${round(gmac)} GMAC/step is hours on the tfjs CPU backend (--cpu-max-gmac ${cpuMaxGmac})` });
        continue;
      }
      const timed = wanted === 'cpu' ? 1 : steps;
      for (const threads of wanted === 'wasm' ? threadCounts.filter((t) => t <= config.batch) : [1]) {
        console.error(`… ${wanted} base ${config.baseFilters} ${config.size}² batch ${config.batch}, ${threads} thread(s) (${round(gmac, 2)} GMAC/step, ≤ ${timed} steps)`);
        results.push(await benchTfjs(wanted, config, timed, threads));
      }
    }
  }

  let browser: Round['browser'] = { results: [], skipped: [] };
  if (withBrowser) {
    try {
      const options = browserOptionsFromArgs();
      browser = await benchTrainInBrowser({ ...options, configs, build: buildBrowserBench && options.build });
    } catch (error) {
      console.error(`browser part failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const torch: TorchResult[] = [];
  if (withTorch && torchAvailable()) {
    for (const config of configs) {
      console.error(`… pytorch base ${config.baseFilters} ${config.size}² batch ${config.batch}`);
      torch.push(benchTorch(config));
    }
  } else if (withTorch) {
    console.error('PyTorch not importable by /usr/bin/python3: no reference figures');
  }
  return { results, skipped, browser, torch };
}

const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

type Measured = Config & { msPerStep: number; cpuMsPerStep?: number };

/** PyTorch's step for the same UNet and batch, in the same round. */
const torchOf = (round: Round, c: Config) => round.torch.find((t) => t.base === c.baseFilters && t.size === c.size && t.batch === c.batch);

/** A row's figures in every round, and their ratio to that round's PyTorch step (same config). */
function acrossRounds<R extends Measured>(rounds: Round[], pick: (round: Round) => R | undefined) {
  const per = rounds.map((round) => {
    const r = pick(round);
    const reference = r && torchOf(round, r);
    return {
      ms: r?.msPerStep ?? NaN,
      cpu: r?.cpuMsPerStep ?? NaN,
      wall: r && reference ? r.msPerStep / reference.msPerStep : NaN,
      cpuRatio: r?.cpuMsPerStep && reference?.cpuMsPerStep ? r.cpuMsPerStep / reference.cpuMsPerStep : NaN,
    };
  });
  const ratios = per.map((p) => p.wall).filter(Number.isFinite);
  return {
    ms: median(per.map((p) => p.ms)),
    cpu: median(per.map((p) => p.cpu)),
    wall: median(ratios),
    cpuRatio: median(per.map((p) => p.cpuRatio)),
    perRound: ratios.map((v) => round(v, 2)),
  };
}

const ratioText = (v: number) => (Number.isFinite(v) ? `${round(v, 2)}×` : '–');

async function main() {
  console.error(`load average at the start: ${loadavg().map((x) => round(x, 2)).join(', ')}`);
  const rounds: Round[] = [];
  for (let r = 0; r < roundCount; r++) {
    if (roundCount > 1) console.error(`— round ${r + 1} of ${roundCount}`);
    rounds.push(await measureRound(r === 0));
  }
  const [first] = rounds;
  const sameRow = <R extends Config & { threads?: number; backend?: string }>(a: R, b: R) =>
    a.backend === b.backend && a.threads === b.threads && a.baseFilters === b.baseFilters && a.size === b.size && a.batch === b.batch;
  const tableRow = (label: string, r: Config, figures: ReturnType<typeof acrossRounds>, extra: { firstStepMs: number; warmUpSteps: number; numTensorsAfter: number }) => ({
    backend: label, base: r.baseFilters, size: r.size, batch: r.batch,
    'ms/step': round(figures.ms), 'cpu ms/step': round(figures.cpu), 'first step ms': round(extra.firstStepMs), 'warm-up steps': extra.warmUpSteps,
    'tensors after': extra.numTensorsAfter, 'GMAC/s (cpu)': round((3 * forwardMacs(r)) / 1e6 / figures.cpu, 2),
    'vs torch (wall)': ratioText(figures.wall), 'vs torch (cpu)': ratioText(figures.cpuRatio),
    ...(roundCount > 1 ? { 'wall ratio by round': figures.perRound.join(' / ') } : {}),
  });
  const rows = [
    ...first.results.map((r) => tableRow(`${r.backend} (node${r.threads > 1 ? `, ${r.threads} threads` : ''})`, r,
      acrossRounds(rounds, (round) => round.results.find((o) => sameRow(o, r))), r)),
    ...first.browser.results.map((r) => tableRow(`${r.backend} (browser${r.threads > 1 ? `, ${r.threads} threads` : ''})`, r,
      acrossRounds(rounds, (round) => round.browser.results.find((o) => sameRow(o, r))), r)),
    ...first.torch.map((t) => {
      const config = { baseFilters: t.base, size: t.size, batch: t.batch };
      const figures = acrossRounds(rounds, (round) => {
        const o = torchOf(round, config);
        return o && { ...config, msPerStep: o.msPerStep, cpuMsPerStep: o.cpuMsPerStep };
      });
      return tableRow(`${t.framework} (${t.threads} thread)`, config, figures, { firstStepMs: t.firstStepMs, warmUpSteps: 2, numTensorsAfter: NaN });
    }),
  ];
  console.table(rows);
  if (roundCount > 1) console.log(`figures: the median of ${roundCount} rounds; each round's ratio is to that round's PyTorch step`);
  for (const s of first.skipped) console.log(`skipped ${s.backend} (node) base ${s.config.baseFilters} ${s.config.size}² batch ${s.config.batch}: ${s.reason}`);
  for (const s of first.browser.skipped) console.log(`skipped ${s.backend} (browser) base ${s.baseFilters} ${s.size}² batch ${s.batch}: ${s.reason}`);
  console.log(`load average at the end: ${loadavg().map((x) => round(x, 2)).join(', ')}`);

  const outFile = resolve(root, 'bench-results/train.json');
  mkdirSync(dirname(outFile), { recursive: true });
  // Per round, one list: tfjs figures (node and browser) with their ratio to PyTorch (msPerStep /
  // torch's, same round), capped or unavailable browser backends with msPerStep null and the reason,
  // then PyTorch.
  const listOf = (r: Round) => {
    const withRatio = <R extends Config & { msPerStep: number }>(m: R) => {
      const reference = torchOf(r, m);
      return { ...m, vsTorchWall: reference ? round(m.msPerStep / reference.msPerStep, 3) : null };
    };
    return [
      ...r.results.map(withRatio),
      ...r.browser.results.map(withRatio),
      ...r.browser.skipped.map((s) => ({ ...s, msPerStep: null, firstStepMs: s.firstStepMs ?? null, numTensorsAfter: null })),
      ...r.torch.map((t) => ({ ...t, runtime: 'python' })),
    ];
  };
  const json = roundCount > 1 ? { rounds: rounds.map(listOf), median: rows } : listOf(first);
  writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${outFile}`);
}

await main();
