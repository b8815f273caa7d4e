// `npm run cli -- <command> …`: LiverLab's core driven from Node. Each subcommand is its own module,
// registered in COMMANDS below (inspect, preprocess, train, segment, export-msd).
// Only dispatch and usage live here: a command never calls process.exit, it returns its exit code
// (0 ok, 1 nothing usable / failed, 2 usage error) and writes through the CliIo it is given.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectCommand } from './inspect';
import { preprocessCommand } from './preprocess';
import { trainCommand } from './train';
import { segmentCommand } from './segment';
import { exportMsdCommand } from './exportMsd';
import { setInflateRaw } from '../archive/inflate';
import { loadZlibWasmNode } from '../node/zlibWasmNode';
import { loadClaheKernel } from '../pipeline/claheKernel';
import { nodeInflateRaw } from '../node/nodeInflate';
import type { CliCommand, CliIo } from './command';

export const COMMANDS: Record<string, CliCommand> = {
  inspect: inspectCommand,
  preprocess: preprocessCommand,
  train: trainCommand,
  segment: segmentCommand,
  'export-msd': exportMsdCommand,
};

export const EXIT_USAGE = 2;

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:', ...lines, '', 'Run `npm run cli -- <command> --help` for details.', ''].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return 0;
  }
  if (name === undefined) {
    io.err(overview());
    return EXIT_USAGE;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`Unknown command: ${name}\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  return command.run(args, io);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  setInflateRaw(nodeInflateRaw);
  await loadZlibWasmNode(); // DICOM headers: inflated a few KB into an entry, by zlib's WASM build
  await loadClaheKernel(); // CLAHE's histograms and per-pixel mix, as the browser workers run them
  const io: CliIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
  process.exitCode = await main(process.argv.slice(2), io);
}
