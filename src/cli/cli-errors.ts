/**
 * The errors the CLI expects: main.ts prints them as one `error: …` line (never a stack trace) and
 * exits with the code they carry. Anything else is a bug and is reported as such.
 */
import { EXIT, exitCodeForProblem, type ExitCode } from './exit-codes';

export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCode;
  /** A line printed after the error, saying what to do about it. */
  hint?: string;
  /** What `--json` prints on stdout for this error. */
  abstract toJSON(): Record<string, unknown>;
}

/** Bad command line: unknown command or option, missing argument, unreadable input file. */
export class CliUsageError extends CliError {
  readonly exitCode = EXIT.error;
  constructor(
    message: string,
    /** e.g. `gantry flag on --help`, printed as a hint */
    readonly helpCommand?: string,
  ) {
    super(message);
  }
  toJSON() {
    return { error: { kind: 'usage', message: this.message } };
  }
}

/** Configuration missing or unsafe (no URL or token, a profile file others can read). */
export class CliConfigError extends CliError {
  readonly exitCode = EXIT.error;
  toJSON() {
    return { error: { kind: 'config', message: this.message } };
  }
}

/** The server could not be reached, or did not answer with HTTP. */
export class CliNetworkError extends CliError {
  readonly exitCode = EXIT.error;
  toJSON() {
    return { error: { kind: 'network', message: this.message } };
  }
}

export interface FieldError {
  field?: string;
  index?: number;
  reason?: string;
  [key: string]: unknown;
}

/** A problem document from the API (`application/problem+json`), or a non-2xx answer without one. */
export class CliApiError extends CliError {
  readonly exitCode: ExitCode;
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldError[] = [],
  ) {
    super(`${title}${code ? ` (${code})` : ''}${detail ? `: ${detail}` : ''}`);
    this.exitCode = exitCodeForProblem(code);
  }
  toJSON() {
    const { status, code, title, detail, errors } = this;
    return { error: { kind: 'api', status, code, title, detail, errors } };
  }
}
