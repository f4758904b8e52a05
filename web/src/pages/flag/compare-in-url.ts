/**
 * The compared versions live in the URL (?from=2&to=5) beside ?env, so a comparison can be linked to
 * and survives a reload. Pure: reading and writing the search parameters.
 */
export interface ComparedPair {
  from: number;
  to: number;
}

function versionParam(search: URLSearchParams, name: string, latest: number): number | undefined {
  const raw = search.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= latest ? n : undefined;
}

/** The pair in the URL when both are versions that exist, else the latest against the one before. */
export function comparedPair(search: URLSearchParams, latest: number): ComparedPair {
  const from = versionParam(search, 'from', latest);
  const to = versionParam(search, 'to', latest);
  if (from !== undefined && to !== undefined) return { from, to };
  return { from: Math.max(1, latest - 1), to: latest };
}

/** The search with the pair set (other parameters, such as env, kept). */
export function withPair(search: URLSearchParams, pair: ComparedPair): URLSearchParams {
  const next = new URLSearchParams(search);
  next.set('from', String(pair.from));
  next.set('to', String(pair.to));
  return next;
}

/** The search without a pair: another environment's versions are another sequence. */
export function withoutPair(search: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(search);
  next.delete('from');
  next.delete('to');
  return next;
}
