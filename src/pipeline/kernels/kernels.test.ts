// The committed WASM kernels are their AssemblyScript sources' builds (npm run build:kernels).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, kernelModule, kernelPath, KERNELS } from '../../../scripts/kernels';

describe('WASM kernels', () => {
  it.each(KERNELS.map((k) => [k.module, k] as const))('%s is up to date with its source', async (_module, kernel) => {
    const built = kernelModule(kernel, await compileKernel(kernel));
    const committed = readFileSync(kernelPath(kernel.module), 'utf8');
    expect(committed === built, `${kernel.module} is stale: run npm run build:kernels and commit it`).toBe(true);
  }, 60_000);
});
