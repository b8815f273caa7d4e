// The CLI's process: what `npm run cli` runs, compiled to dist-cli/liverlab.mjs (scripts/build-cli.mjs,
// on `npm install` and whenever a source is newer). It wires stdout/stderr and, only when a command
// is about to read DICOM, loads and installs the Node side of the core (node:zlib for zip entries,
// zlib's and CLAHE's WASM builds): help and usage errors start and stop without importing them.
// Sets the exit code, never calls process.exit (pending writes to a pipe would be cut).
import type { CliIo } from './command';
import { main } from './main';

async function installNodeCore(): Promise<void> {
  const [{ setInflateRaw }, { nodeCrc32, nodeInflateRaw }, { loadZlibWasmNode }, { loadClaheKernel }] = await Promise.all([
    import('../archive/inflate'),
    import('../node/nodeInflate'),
    import('../node/zlibWasmNode'),
    import('../pipeline/claheKernel'),
  ]);
  setInflateRaw(nodeInflateRaw, nodeCrc32);
  // DICOM headers: inflated a few KB into an entry by zlib's WASM build; CLAHE's histograms and
  // per-pixel mix as the browser workers run them.
  await Promise.all([loadZlibWasmNode(), loadClaheKernel()]);
}

const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errTerminal: process.stderr.isTTY ? { columns: process.stderr.columns || 80 } : undefined,
};
process.exitCode = await main(process.argv.slice(2), io, installNodeCore);
