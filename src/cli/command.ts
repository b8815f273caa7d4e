// What every CLI command is: a summary for the command list, its usage text, and a run that returns
// its exit code and writes only through the CliIo it is given (so tests can call it in-process).
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliCommand {
  /** One line for the command list. */
  summary: string;
  /** Full usage text, printed for `--help` and after a usage error. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}
