/**
 * Checking a code-reference report (POST .../code-references): one repository+branch's whole set of
 * references at one commit. Every problem at once as field errors (400 `code_reference/invalid`);
 * more than MAX_REFERENCES is 422 `code_reference/too_many` (split by repository or narrow the scan).
 */
import type { FieldError } from '../errors';

export const MAX_REFERENCES = 10_000;
export const MAX_NAME = 256;
export const MAX_PATH = 1024;
export const MAX_CONTEXT = 500;
export const MAX_LINE = 10_000_000;
/** A flag key (the same characters flag keys may have). */
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A commit id: hexadecimal, abbreviated or full (SHA-1 or SHA-256). */
const COMMIT = /^[0-9a-fA-F]{4,64}$/;

export interface CodeReferenceInput {
  flagKey: string;
  path: string;
  line: number;
  context: string;
}

export interface CodeReferenceReport {
  repository: string;
  branch: string;
  commit: string;
  references: CodeReferenceInput[];
}

export type ParsedReport = { report: CodeReferenceReport } | { errors: FieldError[] } | { tooMany: number };

const isText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.trim().length > 0 && v.length <= max && !v.includes('\0');

export function parseCodeReferenceReport(input: unknown): ParsedReport {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { errors: [{ reason: 'the body must be a JSON object' }] };
  const body = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const field of Object.keys(body))
    if (!['repository', 'branch', 'commit', 'references'].includes(field))
      errors.push({ field, reason: 'is not a field of a code reference report' });
  for (const field of ['repository', 'branch'] as const)
    if (!isText(body[field], MAX_NAME))
      errors.push({ field, reason: `must be a non-empty string of at most ${MAX_NAME} characters` });
  if (typeof body.commit !== 'string' || !COMMIT.test(body.commit))
    errors.push({ field: 'commit', reason: 'must be a commit id: 4 to 64 hexadecimal characters' });
  if (!Array.isArray(body.references)) {
    errors.push({ field: 'references', reason: 'must be an array (empty: the branch has no references any more)' });
    return { errors };
  }
  if (body.references.length > MAX_REFERENCES) return { tooMany: body.references.length };
  const references: CodeReferenceInput[] = [];
  body.references.forEach((r: unknown, index) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      errors.push({ index, field: 'references', reason: 'must be an object {flagKey, path, line, context?}' });
      return;
    }
    const ref = r as Record<string, unknown>;
    const before = errors.length;
    for (const field of Object.keys(ref))
      if (!['flagKey', 'path', 'line', 'context'].includes(field))
        errors.push({ index, field: `references.${field}`, reason: 'is not a field of a code reference' });
    if (typeof ref.flagKey !== 'string' || !KEY.test(ref.flagKey))
      errors.push({ index, field: 'references.flagKey', reason: 'must be a flag key' });
    if (!isText(ref.path, MAX_PATH) || ref.path.startsWith('/') || ref.path.split('/').includes('..'))
      errors.push({
        index,
        field: 'references.path',
        reason: `must be a relative path (no leading / and no ..) of at most ${MAX_PATH} characters`,
      });
    if (typeof ref.line !== 'number' || !Number.isInteger(ref.line) || ref.line < 1 || ref.line > MAX_LINE)
      errors.push({ index, field: 'references.line', reason: `must be a line number from 1 to ${MAX_LINE}` });
    if (ref.context !== undefined && (typeof ref.context !== 'string' || ref.context.length > MAX_CONTEXT))
      errors.push({
        index,
        field: 'references.context',
        reason: `must be a string of at most ${MAX_CONTEXT} characters`,
      });
    if (errors.length === before)
      references.push({
        flagKey: ref.flagKey as string,
        path: ref.path as string,
        line: ref.line as number,
        context: (ref.context as string | undefined) ?? '',
      });
  });
  // Enough to act on; a report with thousands of bad items does not need thousands of errors.
  if (errors.length) return { errors: errors.slice(0, 50) };
  return {
    report: {
      repository: body.repository as string,
      branch: body.branch as string,
      commit: (body.commit as string).toLowerCase(),
      references,
    },
  };
}
