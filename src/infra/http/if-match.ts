import { DomainError } from '../../core/errors';

/** If-Match carries a version: `3`, `"3"` or `W/"3"`. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw new DomainError('request/invalid_if_match', 'If-Match must be a version number');
  return Number(m[1]);
}
