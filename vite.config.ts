// Vite: React app, workers as ES modules, WASM served from the app itself (no CDN), every response
// cross-origin isolated (scripts/isolation.vite.ts).
// Cornerstone3D (src/viewer) needs no DICOM image loader, codecs or CDN: our images come from typed
// arrays. Its vtk.js XML readers import Node's `events` (through xmlbuilder2) at module load, so
// `events` is aliased to a small browser shim.
// Production builds also get the offline service worker, the PWA manifest and the tightened CSP
// (scripts/offline.vite.ts).
// Compressed DICOM is decoded in the workers by Cornerstone's codecs (src/dicom/codecs), whose .wasm are
// assets of the app; their Emscripten loaders are CommonJS, pre-bundled in dev so the first compressed
// file does not trigger a dependency re-optimisation (and a page reload) mid-ingest.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { offlineApp } from './scripts/offline.vite.ts';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './scripts/isolation.vite.ts';

export default defineConfig({
  plugins: [react(), ...offlineApp()],
  resolve: {
    alias: [{ find: /^events$/, replacement: fileURLToPath(new URL('./src/viewer/shims/events.ts', import.meta.url)) }],
  },
  worker: { format: 'es' },
  // Cross-origin isolated (scripts/isolation.vite.ts): the trainer's threads share memory.
  server: { port: 5173, strictPort: false, headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  preview: { port: 4173, headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
  optimizeDeps: {
    exclude: ['h5wasm'],
    include: ['@cornerstonejs/codec-charls/decodewasmjs', '@cornerstonejs/codec-openjpeg/decodewasmjs', '@cornerstonejs/jpeg-lossless-decoder-js'],
  },
});
