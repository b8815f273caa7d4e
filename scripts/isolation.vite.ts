// Cross-origin isolation for every server of the app (dev, preview, the benches' preview): with these
// two headers a page may share memory between threads (SharedArrayBuffer), which the trainer's
// threads need (src/workers/trainingThreads.ts). The app loads nothing from other origins, so
// `require-corp` costs it nothing. A static host serving the build must send the same two headers,
// or training runs on one thread (the run says so).
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
