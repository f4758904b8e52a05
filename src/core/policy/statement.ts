/**
 * Policy statements as LaunchDarkly writes them, and their validation at the edge (custom roles,
 * inline token policies). Every problem is reported at once, each with the statement index and the
 * field, so an API client can fix a policy in one round trip.
 */
import { DomainError, type FieldError } from '../errors';
import { ACTION_PATTERN, expandActionPattern } from './actions';
import { tryParseResourceSpecifier } from './resource-specifier';

export type Effect = 'allow' | 'deny';

export interface PolicyStatement {
  effect: Effect;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
}

export const MAX_STATEMENTS = 100;
const MAX_LIST_ENTRIES = 100;
const STATEMENT_KEYS = new Set(['effect', 'actions', 'notActions', 'resources', 'notResources']);

/** Returns the statements, copied with only the known fields; throws `policy/invalid` (400). */
export function validatePolicy(input: unknown): PolicyStatement[] {
  if (!Array.isArray(input)) throw invalidPolicy([{ reason: 'a policy must be an array of statements' }]);
  if (input.length > MAX_STATEMENTS) {
    throw invalidPolicy([{ reason: `a policy may have at most ${MAX_STATEMENTS} statements` }]);
  }
  const errors: FieldError[] = [];
  const statements = input.map((raw, index) => checkStatement(raw, index, errors));
  if (errors.length > 0) throw invalidPolicy(errors);
  return statements as PolicyStatement[];
}

function invalidPolicy(errors: FieldError[]): DomainError {
  return new DomainError('policy/invalid', 'the policy is invalid', errors);
}

function checkStatement(raw: unknown, index: number, errors: FieldError[]): PolicyStatement | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push({ index, reason: 'a statement must be an object' });
    return null;
  }
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!STATEMENT_KEYS.has(key)) errors.push({ index, field: key, reason: 'unknown property' });
  }
  if (fields.effect !== 'allow' && fields.effect !== 'deny') {
    errors.push({ index, field: 'effect', reason: "effect must be 'allow' or 'deny'" });
  }
  const actionField = pickOne(fields, 'actions', 'notActions', index, errors);
  const resourceField = pickOne(fields, 'resources', 'notResources', index, errors);
  const actions = actionField && checkList(fields, actionField, index, errors, actionProblem);
  const resources = resourceField && checkList(fields, resourceField, index, errors, resourceProblem);
  if (!actionField || !resourceField || !actions || !resources) return null;
  return { effect: fields.effect as Effect, [actionField]: actions, [resourceField]: resources };
}

/** Exactly one of the pair must be present; returns its name. */
function pickOne<K extends string>(
  fields: Record<string, unknown>,
  positive: K,
  negative: `not${Capitalize<K>}`,
  index: number,
  errors: FieldError[],
): K | `not${Capitalize<K>}` | null {
  const hasPositive = fields[positive] !== undefined;
  const hasNegative = fields[negative] !== undefined;
  if (hasPositive && hasNegative) {
    errors.push({ index, field: negative, reason: `give either ${positive} or ${negative}, not both` });
    return null;
  }
  if (!hasPositive && !hasNegative) {
    errors.push({ index, field: positive, reason: `one of ${positive} or ${negative} is required` });
    return null;
  }
  return hasPositive ? positive : negative;
}

function checkList(
  fields: Record<string, unknown>,
  field: string,
  index: number,
  errors: FieldError[],
  problemWith: (entry: unknown) => string | null,
): string[] | null {
  const list = fields[field];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_LIST_ENTRIES) {
    errors.push({ index, field, reason: `${field} must be a non-empty array of at most ${MAX_LIST_ENTRIES} strings` });
    return null;
  }
  let valid = true;
  list.forEach((entry, position) => {
    const reason = problemWith(entry);
    if (reason) {
      errors.push({ index, field: `${field}[${position}]`, reason });
      valid = false;
    }
  });
  return valid ? [...(list as string[])] : null;
}

function actionProblem(entry: unknown): string | null {
  if (typeof entry !== 'string' || !ACTION_PATTERN.test(entry)) return 'an action must be a name or a * glob';
  if (expandActionPattern(entry).length > 0) return null;
  return entry.includes('*') ? `'${entry}' matches no known action` : `unknown action '${entry}'`;
}

function resourceProblem(entry: unknown): string | null {
  const result = tryParseResourceSpecifier(entry);
  return result.ok ? null : result.reason;
}
