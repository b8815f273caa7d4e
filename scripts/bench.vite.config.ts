// Vite config of the browser half of `npm run bench:train`: a one-page bench (scripts/bench/index.html)
// whose worker trains the app's UNet (src/model) on each tfjs backend, built into .e2e-dist/bench-train
// and served by `vite preview --config scripts/bench.vite.config.ts`. Never part of the app's build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './isolation.vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./bench'),
  base: './',
  logLevel: 'error',
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: here('../.e2e-dist/bench-train'), emptyOutDir: true, chunkSizeWarningLimit: 8000 },
  // Cross-origin isolated like the app, so the bench's worker can start training threads.
  preview: { port: 4174, headers: CROSS_ORIGIN_ISOLATION_HEADERS },
});
