// Entry point: mounts the React app and, in production builds, registers the service worker that
// keeps the whole app cached for offline use (scripts/offline.vite.ts). Stores load lazily.
// zlib's WASM build is loaded for this thread too (the viewer reads dropped zips here).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import './ui/styles.css';
import { loadZlibWasm } from './archive/zlibWasmBrowser';

void loadZlibWasm();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e: unknown) => {
      // The app still works online without it; only offline use is lost.
      console.warn(`LiverLab: the offline cache (service worker) could not be registered: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
}
