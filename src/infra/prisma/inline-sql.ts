import { prepareValue } from 'pg/lib/utils';

/**
 * A parameterised statement (`$1`, `$2`… as Prisma.sql writes them) as one self-contained SQL
 * text, each parameter replaced by a quoted literal, so that several statements can travel in one
 * simple-protocol message (raw-connection.ts: a transaction's BEGIN and deferred statements ride
 * with its next statement or its COMMIT, one round trip instead of several).
 *
 * Typing is unchanged: pg sends every parameter as text of unknown type (prepareValue's text,
 * type OID 0), and a quoted literal is text of unknown type too, resolved by PostgreSQL from the
 * same context. Placeholders are found outside quoted literals, quoted identifiers, dollar-quoted
 * bodies and comments only. Buffers (binary parameters) have no text form here and are refused.
 */
export function inlineSql(text: string, values: readonly unknown[]): string {
  if (values.length === 0) return text;
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') i = skipQuoted(text, i, c);
    else if (c === '-' && text[i + 1] === '-') i = skipTo(text, i, '\n');
    else if (c === '/' && text[i + 1] === '*') i = skipTo(text, i, '*/');
    else if (c === '$') {
      const placeholder = /^\$(\d+)/.exec(text.slice(i, i + 12));
      if (placeholder) {
        const n = Number(placeholder[1]);
        if (n < 1 || n > values.length) throw new RangeError(`no value for placeholder $${n}`);
        out += text.slice(from, i) + literal(values[n - 1]);
        i += placeholder[0].length;
        from = i;
      } else i = skipDollarQuoted(text, i);
    } else i++;
  }
  return out + text.slice(from);
}

/** A value as pg would send it, as an SQL literal (NULL, or text of unknown type). */
export function literal(value: unknown): string {
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) throw new TypeError('binary values cannot be inlined');
  const text = prepareValue(value) as string | null;
  if (text === null || text === undefined) return 'NULL';
  const quoted = `'${text.replace(/'/g, "''")}'`;
  // E'' makes backslashes mean the same whatever standard_conforming_strings says.
  return text.includes('\\') ? `E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

function skipQuoted(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

function skipTo(text: string, start: number, end: string): number {
  const at = text.indexOf(end, start + 2);
  return at < 0 ? text.length : at + end.length;
}

/** `$tag$ … $tag$` (or `$$ … $$`); a lone `$` is passed over. */
function skipDollarQuoted(text: string, start: number): number {
  const tag = /^\$[A-Za-z_]\w*\$|^\$\$/.exec(text.slice(start, start + 64));
  if (!tag) return start + 1;
  const end = text.indexOf(tag[0], start + tag[0].length);
  return end < 0 ? text.length : end + tag[0].length;
}
