// `npm run build:kernels`: compiles the AssemblyScript kernels (scripts/kernels.ts) into the generated
// modules the app, the workers and the CLI import. Run after editing a kernel's source; commit both.
import { writeFile } from 'node:fs/promises';
import { compileKernel, kernelModule, kernelPath, KERNELS } from './kernels';

for (const kernel of KERNELS) {
  const wasm = await compileKernel(kernel);
  await writeFile(kernelPath(kernel.module), kernelModule(kernel, wasm));
  console.log(`${kernel.module}: ${wasm.length} bytes of WASM from ${kernel.source}`);
}
