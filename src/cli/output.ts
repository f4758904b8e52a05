/**
 * Everything the CLI prints goes through here, so the rules scripts rely on hold everywhere:
 * `--json` writes exactly one JSON document to stdout; human output is tables and short lines;
 * colour only on a TTY without NO_COLOR / --no-color; progress (while waiting) only on a TTY's stderr.
 */
export interface OutputOptions {
  json: boolean;
  color: boolean;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

type Paint = (text: string) => string;

export class Output {
  readonly json: boolean;
  readonly bold: Paint;
  readonly dim: Paint;
  readonly green: Paint;
  readonly red: Paint;
  readonly yellow: Paint;
  private printedJson = false;
  private progressShown = false;

  constructor(private readonly options: OutputOptions) {
    this.json = options.json;
    const sgr = (open: number, close: number): Paint =>
      options.color ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
    this.bold = sgr(1, 22);
    this.dim = sgr(2, 22);
    this.green = sgr(32, 39);
    this.red = sgr(31, 39);
    this.yellow = sgr(33, 39);
  }

  /**
   * The command's result: with --json the document, else the human rendering. Commands call this
   * once; a second JSON document would break `| jq`, so it is refused loudly.
   */
  result(document: unknown, human: () => void): void {
    if (!this.json) return human();
    if (this.printedJson) throw new Error('bug: a command printed two JSON documents');
    this.printedJson = true;
    this.clearProgress();
    this.options.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }

  /** Whether a JSON document was printed (main.ts prints errors as JSON only if not). */
  get jsonPrinted(): boolean {
    return this.printedJson;
  }

  /** A line of human output on stdout (ignored with --json, where only the document goes out). */
  line(text = ''): void {
    if (this.json) return;
    this.clearProgress();
    this.options.stdout.write(`${text}\n`);
  }

  /** A table: one header row, columns padded to the widest cell; `(none)` for an empty list. */
  table<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
    if (rows.length === 0) return this.line(this.dim('(none)'));
    const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
    const render = (values: string[]) =>
      values
        .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    this.line(this.bold(render(columns.map((c) => c.header.toUpperCase()))));
    for (const row of cells) this.line(render(row));
  }

  /** `key: value` lines for one resource. */
  fields(entries: readonly [string, unknown][]): void {
    const width = Math.max(...entries.map(([k]) => k.length));
    for (const [key, value] of entries) this.line(`${this.dim(`${key}:`.padEnd(width + 1))} ${cell(value)}`);
  }

  /** Warnings and notes for humans: stderr, so stdout stays parseable in both modes. */
  note(text: string): void {
    this.clearProgress();
    this.options.stderr.write(`${text}\n`);
  }

  /** A transient status line while waiting; shown only when stderr is a terminal. */
  progress(text: string): void {
    if (!this.options.stderr.isTTY) return;
    this.options.stderr.write(`\r\u001b[2K${text}`);
    this.progressShown = true;
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.options.stderr.write('\r\u001b[2K');
    this.progressShown = false;
  }

  /** `error: …` on stderr (and, with --json and nothing printed yet, the error as the document). */
  error(message: string, document?: unknown): void {
    this.clearProgress();
    this.options.stderr.write(`${this.red('error:')} ${message}\n`);
    if (this.json && !this.printedJson && document !== undefined) this.result(document, () => undefined);
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length ? value.map(cell).join(',') : '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '-';
}

/** Colour is for people: only on a terminal, and never when NO_COLOR (non-empty) or --no-color says so. */
export function wantsColor(stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  return Boolean(stdout.isTTY) && !noColorFlag && !env.NO_COLOR && env.TERM !== 'dumb';
}
