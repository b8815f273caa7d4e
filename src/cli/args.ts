// One way for every command to read its options: node:util's parseArgs, and on a usage error a
// message naming the command followed by its usage text (the caller then exits with 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed options and positionals, or null after printing the usage error. */
export function readArgs<const O extends Options>(command: string, usage: string, args: string[], options: O, io: CliIo) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    io.err(`${command}: ${(e as Error).message}\n\n${usage}`);
    return null;
  }
}
