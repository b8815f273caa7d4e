// What every CLI command is: its usage text and a run that returns its exit code and writes only
// through the CliIo it is given (so tests can call it in-process). main.ts lists the commands with
// a one-line summary and loads a command's module only when that command runs, so `--help` and a
// light command never pay for another's imports (tfjs for train and segment, h5wasm for preprocess).
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Set when stderr is a terminal (progress then rewrites its line): its width in columns. */
  errTerminal?: { columns: number };
}

export interface CliCommand {
  /** Full usage text, printed for `--help` and after a usage error. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export interface CommandEntry {
  /** One line for the command list. */
  summary: string;
  /** The command's module, imported on first use. */
  load(): Promise<CliCommand>;
}
