// Training-speed benchmark, browser part (called by scripts/bench-train.ts; also runs alone):
// builds the one-page bench of scripts/bench/ (scripts/bench.vite.config.ts), serves it with
// `vite preview`, and in Debian's Chromium (the flags of playwright.config.ts, WebGPU on SwiftShader)
// measures each tfjs backend in a fresh worker per (backend, config): ms per step, first step
// (shader compiles), live tensors after the timed steps. Slow backends are capped, not waited for.
// WASM is timed on one thread and with the step split over training threads (--threads 1,2), as
// the app's runs split it in a cross-origin-isolated page.
//
// usage: npx tsx scripts/bench-train-browser.ts [--quick] [--backends webgpu,webgl,wasm,cpu]
//          [--steps 10] [--budget-s 20] [--first-step-cap-s 90] [--threads 1,2] [--no-build]
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { startPreview } from './previewServer';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { BackendName } from '../src/model/backends';

export interface BrowserTrainConfig {
  baseFilters: number;
  size: number;
  batch: number;
}

export interface BrowserTrainResult extends BrowserTrainConfig {
  backend: BackendName;
  runtime: 'browser';
  threads: number;
  msPerStep: number;
  firstStepMs: number;
  /** Untimed steps after the first (bench-shared/warmUp). */
  warmUpSteps: number;
  numTensorsAfter: number;
  steps: number;
  lastLoss: number;
}

export interface BrowserTrainSkip extends BrowserTrainConfig {
  backend: BackendName;
  runtime: 'browser';
  threads: number;
  reason: string;
  firstStepMs?: number;
}

export interface BrowserTrainOptions {
  backends: BackendName[];
  configs: BrowserTrainConfig[];
  steps: number;
  budgetMs: number;
  /** A backend whose first step takes longer is stopped and reported as capped. */
  firstStepCapMs: number;
  /** WASM rows: threads a step is split over (other backends: 1). */
  threads: number[];
  build: boolean;
  log?: (line: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const outDir = join(root, '.e2e-dist/bench-train');
const config = join(here, 'bench.vite.config.ts');
const chromiumArgs = CHROMIUM_ARGS;

export async function benchTrainInBrowser(opts: BrowserTrainOptions): Promise<{ results: BrowserTrainResult[]; skipped: BrowserTrainSkip[] }> {
  const log = opts.log ?? ((line: string) => console.error(line));
  if (opts.build || !existsSync(join(outDir, 'index.html'))) {
    log('… vite build --config scripts/bench.vite.config.ts');
    execFileSync('npx', ['vite', 'build', '--config', config], { cwd: root, stdio: 'inherit' });
  }
  const server = await startPreview(root, ['--config', config], 60_000);
  const url = server.url;
  const results: BrowserTrainResult[] = [];
  const skipped: BrowserTrainSkip[] = [];
  try {
    for (const backend of opts.backends) {
      // A fresh browser per backend: a software GPU's work for a page closed at its cap goes on in the GPU
      // process, and slowed the WASM rows measured after it by half (434 against 275 ms a step, base 8).
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs });
      try {
        for (const c of opts.configs.flatMap((config) => (backend === 'wasm' ? opts.threads.filter((t) => t <= config.batch) : [1]).map((threads) => ({ ...config, threads })))) {
          // A fresh page per measurement: no backend state or compiled shaders carried over.
          const page = await browser.newPage();
          await page.goto(url);
          await page.locator('#status', { hasText: 'ready' }).waitFor();
          // The CPU backend gets one timed step: it is here to show the order of magnitude.
          const steps = backend === 'cpu' ? 1 : opts.steps;
          const totalCapMs = opts.firstStepCapMs * 3 + opts.budgetMs + 60_000;
          log(`… browser ${backend} base ${c.baseFilters} ${c.size}² batch ${c.batch}, ${c.threads} thread(s) (first step capped at ${opts.firstStepCapMs / 1000} s)`);
          const outcome = await page.evaluate(
            (req) => window.runTrainBench(req),
            { backend, ...c, steps, budgetMs: opts.budgetMs, firstStepCapMs: opts.firstStepCapMs, totalCapMs },
          );
          await page.close();
          if ('msPerStep' in outcome) results.push({ ...outcome, backend, runtime: 'browser' });
          else if ('skipped' in outcome) skipped.push({ backend, ...c, runtime: 'browser', reason: outcome.skipped });
          else skipped.push({ backend, ...c, runtime: 'browser', reason: outcome.capped, firstStepMs: outcome.firstStepMs });
          const last = results.at(-1);
          if (last && last.backend === backend && last.baseFilters === c.baseFilters && last.size === c.size && last.threads === c.threads) {
            log(`  ${Math.round(last.msPerStep)} ms/step, first ${Math.round(last.firstStepMs)} ms, ${last.numTensorsAfter} tensors, last loss ${last.lastLoss.toFixed(4)}`);
          } else log(`  skipped: ${skipped.at(-1)?.reason}`);
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    server.stop();
  }
  return { results, skipped };
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

/** The options from the command line (shared with scripts/bench-train.ts). */
export function browserOptionsFromArgs(): BrowserTrainOptions {
  const quick = process.argv.includes('--quick');
  return {
    backends: option('browser-backends', 'webgpu,webgl,wasm,cpu').split(',') as BackendName[],
    configs: (quick ? '8x128x4' : option('configs', '8x128x4,32x256x2')).split(',').map((c) => {
      const [baseFilters, size, batch] = c.split('x').map(Number);
      return { baseFilters, size, batch };
    }),
    steps: Number(option('steps', '10')),
    budgetMs: Number(option('browser-budget-s', '20')) * 1000,
    firstStepCapMs: Number(option('first-step-cap-s', '90')) * 1000,
    threads: option('threads', '1,2').split(',').map(Number),
    build: !process.argv.includes('--no-build'),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { results, skipped } = await benchTrainInBrowser(browserOptionsFromArgs());
  console.table(results.map((r) => ({ backend: r.backend, threads: r.threads, base: r.baseFilters, size: r.size, batch: r.batch, 'ms/step': Math.round(r.msPerStep), 'first step ms': Math.round(r.firstStepMs), 'tensors after': r.numTensorsAfter, steps: r.steps })));
  for (const s of skipped) console.log(`skipped ${s.backend} base ${s.baseFilters} ${s.size}² batch ${s.batch}: ${s.reason}`);
}
