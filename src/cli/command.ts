/**
 * A CLI command: its words (`['flag', 'on']`), help text, `node:util` parseArgs options, and what it
 * does. Commands return their exit code (see exit-codes.ts) and throw CliError for expected failures.
 */
import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from './context';

export interface CliArgs {
  values: Record<string, unknown>;
  positionals: string[];
}

export interface CliCommand {
  /** The words that name it, e.g. ['flag', 'on']. */
  path: string[];
  /** One line for `gantry --help`. */
  summary: string;
  /** The synopsis after `gantry <path>`, e.g. '<flag> --project <p> --env <e>'; examples may follow on more lines. */
  usage: string;
  options: ParseArgsConfig['options'];
  run(ctx: CliContext, args: CliArgs): Promise<number>;
}
