/**
 * The differences between two JSON values as a list of paths, for people: what was added, removed or
 * changed, with the values on both sides. Arrays are compared index by index.
 */
export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffLine {
  kind: DiffKind;
  /** Dotted path, array indexes in brackets: `rules[0].clauses[1].values`; `(whole value)` for the root. */
  path: string;
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (base: string, key: string | number) =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;

export function jsonDiff(before: unknown, after: unknown, path = ''): DiffLine[] {
  const at = path || '(whole value)';
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ kind: 'added', path: at, after }];
  if (after === undefined) return [{ kind: 'removed', path: at, before }];
  if (Array.isArray(before) && Array.isArray(after)) {
    const lines: DiffLine[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      lines.push(...jsonDiff(before[i] as unknown, after[i] as unknown, join(path, i)));
    return lines;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => jsonDiff(before[k], after[k], join(path, k)));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ kind: 'changed', path: at, before, after }];
}

/** A value on one line, long strings and structures cut short. */
export function showValue(v: unknown, max = 120): string {
  const text = v === undefined ? '—' : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
