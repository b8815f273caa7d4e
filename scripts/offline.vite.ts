// The production build's offline and privacy parts, kept out of vite.config.ts so that file stays small:
// - a Workbox service worker (vite-plugin-pwa, generateSW) that precaches the whole app — HTML, JS,
//   CSS, every worker, every .wasm (tfjs, h5wasm, codecs) and the icons — so after one visit the app
//   loads and works with no network (a hospital without internet). The Workbox runtime is emitted
//   beside sw.js (no CDN import). The app registers it itself, in production only (src/main.tsx).
// - the web app manifest (installable PWA) with the icons drawn by scripts/make-icons.ts.
// - the Content-Security-Policy of index.html without the dev server's `ws://localhost:*` (Vite's
//   hot reload), so a production page can connect to its own origin only.
import type { Plugin, PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Largest file the service worker precaches: the biggest bundles (workers with WASM inlined) are a few MB. */
export const PRECACHE_MAX_BYTES = 64 * 1024 * 1024;

function productionCsp(): Plugin {
  return {
    name: 'liverlab:production-csp',
    apply: 'build',
    transformIndexHtml(html) {
      const tightened = html.replace(/(http-equiv="Content-Security-Policy"[^>]*connect-src[^;"]*?)\s+ws:\/\/localhost:\*/, '$1');
      if (!/http-equiv="Content-Security-Policy"/.test(tightened)) throw new Error('index.html: the Content-Security-Policy meta is missing');
      return tightened;
    },
  };
}

export function offlineApp(): PluginOption[] {
  return [
    productionCsp(),
    VitePWA({
      strategies: 'generateSW',
      injectRegister: false,
      registerType: 'autoUpdate',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      // The icons are precached by the glob below (with the apple-touch icon, which the manifest does not list).
      includeManifestIcons: false,
      manifest: {
        name: 'LiverLab — liver CT segmentation in your browser',
        short_name: 'LiverLab',
        description: 'Ingest 3D-IRCADb-01 CT, preprocess, train a UNet and view predictions, all in the tab. Patient data never leaves the device.',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#0f172a',
        theme_color: '#1e293b',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,png,svg,ico,json,data}'],
        maximumFileSizeToCacheInBytes: PRECACHE_MAX_BYTES,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        // Hashed assets never change; index.html and sw.js are revisioned by content.
        dontCacheBustURLsMatching: /-[\w-]{8}\.\w+$/,
        sourcemap: false,
        // Stay in the app's own origin: no Google Analytics, no runtime caching of other origins.
        runtimeCaching: [],
      },
    }),
  ];
}
