// The production build's offline and privacy parts, kept out of vite.config.ts so that file stays small:
// - a Workbox service worker (vite-plugin-pwa, generateSW) that precaches the whole app — HTML, JS,
//   CSS, every worker, every .wasm (tfjs, h5wasm, codecs) and the icons — so after one visit the app
//   loads and works with no network (a hospital without internet). The Workbox runtime is emitted
//   beside sw.js (no CDN import). The app registers it itself, in production only (src/main.tsx).
// - the web app manifest (installable PWA) with the icons drawn by scripts/make-icons.ts.
// - the Content-Security-Policy of index.html without the dev server's `ws://localhost:*` (Vite's
//   hot reload), so a production page can connect to its own origin only; `vite preview` also sends
//   it as a header, so the app's workers (whose policy comes from their own response) are bound too.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin, PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Largest file the service worker precaches: the biggest bundles (workers with WASM inlined) are a few MB. */
export const PRECACHE_MAX_BYTES = 64 * 1024 * 1024;

/** The policy of index.html's CSP meta, without the dev server's websocket. */
function tightenedCsp(html: string): string | null {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  return meta ? meta[1].replace(/\s+ws:\/\/localhost:\*/, '') : null;
}

function productionCsp(): Plugin {
  let policy: string | null = null;
  return {
    name: 'liverlab:production-csp',
    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        if (ctx.server) return html; // the dev server keeps its hot-reload websocket
        policy = tightenedCsp(html);
        if (!policy) throw new Error('index.html: the Content-Security-Policy meta is missing');
        return html.replace(/(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]+/, `$1${policy}`);
      },
    },
    // `vite preview` (how the e2e suite serves the build) also sends the policy as a header on every
    // response: a worker's policy comes from its own script's response, not from the page's meta.
    configurePreviewServer(server) {
      const html = readFileSync(resolve(server.config.root, server.config.build.outDir, 'index.html'), 'utf8');
      const header = tightenedCsp(html);
      if (!header) throw new Error('the built index.html has no Content-Security-Policy meta');
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', header);
        next();
      });
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
        globPatterns: ['**/*.{html,js,mjs,css,wasm,png,svg,ico,json,data,bin}'],
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
