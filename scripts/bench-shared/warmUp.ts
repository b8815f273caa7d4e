// The training benches' warm-up (scripts/bench-train.ts in Node, scripts/bench/trainBench.worker.ts in
// Chromium): steps before the clock starts. V8 first runs WebAssembly on its baseline compiler and
// compiles the hot functions with TurboFan in the background; with both cores computing a split step,
// that takes about ten base-8 steps (session 12: steps 1–12 at 220–330 ms, then 170–200 ms). A training
// run is hundreds of steps, so the benches time the steady state: warm up for at least 2 steps (what
// the PyTorch yardstick does) and at least WARM_UP_MS, at most MAX_WARM_UP_STEPS; one step when the
// first took over SLOW_STEP_MS (WebGPU on a software adapter, the CPU backend).
export const WARM_UP_MS = 5000;
const MAX_WARM_UP_STEPS = 40;
const SLOW_STEP_MS = 20_000;

/** Runs the warm-up steps after the first (timed apart); returns how many it ran. */
export async function warmUp(step: () => Promise<unknown>, firstStepMs: number): Promise<number> {
  if (firstStepMs >= SLOW_STEP_MS) {
    await step();
    return 1;
  }
  const started = performance.now();
  let steps = 0;
  while (steps < 2 || (performance.now() - started < WARM_UP_MS && steps < MAX_WARM_UP_STEPS)) {
    await step();
    steps++;
  }
  return steps;
}
