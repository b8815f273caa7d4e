// Playwright: drives the real app in Debian's Chromium (no browser download), with WebGPU on
// SwiftShader (`--enable-unsafe-webgpu`), the dev server started by Playwright itself.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium';

const chromium = CHROMIUM_PATH;
const port = Number(process.env.E2E_PORT ?? 5199);

export default defineConfig({
  testDir: './e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    actionTimeout: 30_000,
    // The production build registers a service worker that precaches ~26 MB: only the offline and privacy
    // specs need it (they opt in), the rest would each pay for the download and see it in storage figures.
    serviceWorkers: 'block',
    navigationTimeout: 60_000,
    launchOptions: {
      executablePath: chromium,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    // The production build, as users get it (and with its Content-Security-Policy); E2E_DEV=1 uses the dev server.
    // Each port builds into its own folder, so two runs at once never serve each other's half-built files.
    command: process.env.E2E_DEV
      ? `npx vite --port ${port} --strictPort`
      : `npx vite build --logLevel error --outDir .e2e-dist/${port} && npx vite preview --outDir .e2e-dist/${port} --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
  },
});
