// Debian's Chromium and the flags that work on these machines (no network chatter, WebGPU on
// SwiftShader): one list for Playwright and the benchmarks, so they always drive the same browser.
// CHROMIUM_EXTRA_ARGS (space-separated) adds flags for an experiment, e.g. "--js-flags=--no-wasm-dynamic-tiering".
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--disable-dev-shm-usage',
  ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean),
];
