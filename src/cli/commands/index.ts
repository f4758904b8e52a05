/**
 * The command table: one import and one entry per command file. main.ts finds a command by the
 * longest run of leading words matching a `path`, and builds `--help` from this list, in this order.
 */
import type { CliCommand } from '../command';
import { projectCommands } from './projects';

const FILES: readonly (CliCommand | readonly CliCommand[])[] = [projectCommands];

export const COMMANDS: readonly CliCommand[] = FILES.flat();
