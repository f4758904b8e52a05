/**
 * `gantry`: the command-line client of Gantry's public REST API (bin/gantry.js runs this).
 *
 * Words first pick the command from the table (the longest matching run), then node:util parseArgs
 * reads the global and the command's options strictly. Expected failures (CliError) become one
 * `error:` line and their exit code; anything else is a bug, reported with its stack.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, CliUsageError } from './cli-errors';
import type { CliCommand } from './command';
import { COMMANDS } from './commands';
import { createContext, resolveConfig } from './context';
import { EXIT } from './exit-codes';
import { commandHelp, mainHelp } from './help';
import { Output, wantsColor } from './output';

export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface MainIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function main(argv: string[], io: MainIo = defaultIo()): Promise<number> {
  // A first, lenient pass finds --json/--no-color/--help and the command words.
  const loose = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const json = loose.values.json === true;
  const noColor = loose.values['no-color'] === true;
  const out = new Output({ json, color: wantsColor(io.stdout, io.env, noColor), stdout: io.stdout, stderr: io.stderr });

  const words = loose.positionals;
  const command = findCommand(words);
  try {
    if (!command) {
      const group = words.length ? COMMANDS.some((c) => c.path[0] === words[0]) : false;
      if (loose.values.help === true || words.length === 0) {
        io.stdout.write(mainHelp(COMMANDS, group ? [words[0]] : []));
        return words.length === 0 && loose.values.help !== true ? EXIT.error : EXIT.ok;
      }
      if (group && words.length === 1) {
        const verbs = COMMANDS.filter((c) => c.path[0] === words[0]).map((c) => c.path[1]);
        throw new CliUsageError(`'${words[0]}' needs a subcommand: ${verbs.join(', ')}`, `gantry ${words[0]} --help`);
      }
      if (group) throw new CliUsageError(`unknown command '${words.join(' ')}'`, `gantry ${words[0]} --help`);
      throw new CliUsageError(`unknown command '${words[0]}'`, 'gantry --help');
    }
    if (loose.values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const wordIndexes = loose.tokens.filter((t) => t.kind === 'positional').map((t) => t.index);
    const args = parseCommandArgs(command, argv, wordIndexes.slice(0, command.path.length));
    const config = resolveConfig(
      { url: stringOf(args.values.url), token: stringOf(args.values.token), profile: stringOf(args.values.profile) },
      io.env,
    );
    return await command.run(createContext(config, out), args);
  } catch (error) {
    return report(error, out, command);
  }
}

function findCommand(words: string[]): CliCommand | undefined {
  let best: CliCommand | undefined;
  for (const c of COMMANDS) {
    if (c.path.length <= words.length && c.path.every((w, i) => words[i] === w)) {
      if (!best || c.path.length > best.path.length) best = c;
    }
  }
  return best;
}

/** The strict pass: the command's words (at the indexes the first pass found them) removed, all options known. */
function parseCommandArgs(command: CliCommand, argv: string[], wordIndexes: number[]) {
  const rest = argv.filter((_, i) => !wordIndexes.includes(i));
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as Record<string, unknown>, positionals };
  } catch (error) {
    // parseArgs' messages name the option ("Unknown option '--projct'"); keep them, drop its hint about '--'.
    const message = (error as Error).message.split('. To specify')[0];
    throw new CliUsageError(message, `gantry ${command.path.join(' ')} --help`);
  }
}

function report(error: unknown, out: Output, command: CliCommand | undefined): number {
  if (error instanceof CliError) {
    out.error(error.message, error.toJSON());
    const fieldErrors =
      'errors' in error && Array.isArray(error.errors) ? (error.errors as Record<string, unknown>[]) : [];
    for (const fe of fieldErrors) out.note(`  - ${describeFieldError(fe)}`);
    if (error.hint) out.note(error.hint);
    if (error instanceof CliUsageError)
      out.note(
        `Run \`${error.helpCommand ?? (command ? `gantry ${command.path.join(' ')} --help` : 'gantry --help')}\` for usage.`,
      );
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  out.error(`unexpected failure (a bug in the gantry CLI, please report it):\n${stack}`, {
    error: { kind: 'internal', message: error instanceof Error ? error.message : String(error) },
  });
  return EXIT.error;
}

function describeFieldError(fe: Record<string, unknown>): string {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const where = [fe.field === undefined ? '' : text(fe.field), fe.index === undefined ? '' : `#${text(fe.index)}`]
    .filter(Boolean)
    .join(' ');
  const rest = Object.entries(fe)
    .filter(([k]) => !['field', 'index', 'reason'].includes(k))
    .map(([k, v]) => `${k}=${text(v)}`);
  return [
    where && `${where}:`,
    fe.reason === undefined ? '' : text(fe.reason),
    rest.length ? `(${rest.join(', ')})` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function defaultIo(): MainIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr };
}
