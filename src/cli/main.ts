// `npm run cli -- <command> …`: LiverLab's core driven from Node. Each subcommand is its own module,
// listed in COMMANDS below with its one-line summary and imported only when it runs: `--help` reads
// no command module, `inspect` and `preprocess` never load tfjs (bin.ts is the process around this).
// Only dispatch and usage live here: a command never calls process.exit, it returns its exit code
// (0 ok, 1 nothing usable / failed, 2 usage error) and writes through the CliIo it is given.
import type { CliIo, CommandEntry } from './command';

export const COMMANDS: Record<string, CommandEntry> = {
  inspect: {
    summary: 'scan folders, zips, DICOM or NIfTI files for patients and print a JSON report',
    load: async () => (await import('./inspect')).inspectCommand,
  },
  preprocess: {
    summary: 'preprocess patients like the reference pipeline and write its HDF5',
    load: async () => (await import('./preprocess')).preprocessCommand,
  },
  train: {
    summary: 'train the UNet in Node on the same core as the tab and save the model',
    load: async () => (await import('./train')).trainCommand,
  },
  finetune: {
    summary: 'fine-tune a model on a patient\'s corrected slices, replaying the other patients given',
    load: async () => (await import('./finetune')).finetuneCommand,
  },
  segment: {
    summary: 'segment one patient with a trained model; write DICOM SEG and NIfTI',
    load: async () => (await import('./segment')).segmentCommand,
  },
  'export-msd': {
    summary: 'export patients as an MSD / nnU-Net v2 dataset (NIfTI in HU + labels + dataset.json)',
    load: async () => (await import('./exportMsd')).exportMsdCommand,
  },
};

export const EXIT_USAGE = 2;

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:', ...lines, '', 'Run `npm run cli -- <command> --help` for details.', ''].join('\n');
}

/** Runs one command line; `prepare` runs once a command is about to work (not for help or usage errors). */
export async function main(argv: string[], io: CliIo, prepare: () => Promise<void> = async () => {}): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return 0;
  }
  if (name === undefined) {
    io.err(overview());
    return EXIT_USAGE;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`Unknown command: ${name}\n\n${overview()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  await prepare();
  return command.run(args, io);
}
