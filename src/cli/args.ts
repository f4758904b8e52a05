/** Typed readers over parseArgs values, failing with a usage error that names the flag. */
import type { CliArgs } from './command';
import { CliUsageError } from './cli-errors';

export function optionalString(args: CliArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(args: CliArgs, name: string): string {
  const value = optionalString(args, name);
  if (value === undefined || value === '') throw new CliUsageError(`--${name} is required`);
  return value;
}

export function strings(args: CliArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function flag(args: CliArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A positive integer option (limits, intervals). */
export function optionalInteger(args: CliArgs, name: string, min = 1): number | undefined {
  const value = optionalString(args, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new CliUsageError(`--${name} must be an integer ≥ ${min}, got '${value}'`);
  return Number(value);
}

/** The positional arguments a command takes, by name, refusing missing and extra ones. */
export function positionals<N extends string>(args: CliArgs, ...names: N[]): Record<N, string> {
  if (args.positionals.length < names.length) {
    throw new CliUsageError(`missing <${names[args.positionals.length]}>`);
  }
  if (args.positionals.length > names.length) {
    throw new CliUsageError(`unexpected argument '${args.positionals[names.length]}'`);
  }
  return Object.fromEntries(names.map((n, i) => [n, args.positionals[i]])) as Record<N, string>;
}
