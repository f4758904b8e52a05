/** `--help` texts, built from the command table so they cannot drift from what exists. */
import type { CliCommand } from './command';

export const GLOBAL_HELP = `Global options:
  --url <url>         Gantry's base URL (env GANTRY_URL, or the profile)
  --token <token>     access token (env GANTRY_TOKEN, or the profile)
  --profile <name>    profile from the profile file (env GANTRY_PROFILE; default: the current one)
  --json              print exactly one JSON document on stdout (errors too)
  --no-color          no colours (also NO_COLOR=1; colours are only used on a terminal)
  -h, --help          help for gantry or for a command

Exit codes: 0 ok, 1 error, 2 changes pending, 3 refused by approval or a freeze.`;

export function mainHelp(commands: readonly CliCommand[], prefix: string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const width = Math.max(...shown.map((c) => c.path.join(' ').length));
  const lines = shown.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  const title = prefix.length ? `gantry ${prefix.join(' ')} <command>` : 'gantry <command> [options]';
  const footer = "Run `gantry <command> --help` for a command's options.";
  return `Usage: ${title}\n\nCommands:\n${lines.join('\n')}\n\n${GLOBAL_HELP}\n\n${footer}\n`;
}

export function commandHelp(command: CliCommand): string {
  const [synopsis, ...examples] = command.usage.split('\n');
  const options = Object.entries(command.options ?? {}).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : '';
    const value = o.type === 'string' ? ` <${name}>` : '';
    const repeat = o.multiple ? ' (repeatable)' : '';
    return `  ${short}--${name}${value}${repeat}`;
  });
  const parts = [`Usage: gantry ${command.path.join(' ')}${synopsis ? ` ${synopsis}` : ''}`, '', command.summary];
  if (options.length) parts.push('', 'Options:', ...options);
  if (examples.length) parts.push('', ...examples);
  parts.push('', GLOBAL_HELP);
  return `${parts.join('\n')}\n`;
}
