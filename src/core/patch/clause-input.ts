import { CLAUSE_OPS, Clause, ClauseOp, JsonValue } from '../model/flag-config';
import { attributeReferenceProblem } from './attribute-reference';
import { Fields } from './instruction-fields';
import { PatchError } from './patch-error';
import { KEY_PATTERN, MAX_CLAUSES_PER_RULE, MAX_VALUES_PER_INSTRUCTION } from './limits';

/** What a ClauseInput may carry; `_id` is always ours, never the client's. */
export const CLAUSE_INPUT_FIELDS = ['contextKind', 'attribute', 'op', 'values', 'negate'] as const;

export interface ClauseRules {
  /** Inside a segment: the segment's own key, which a segmentMatch clause must not name. */
  selfSegmentKey?: string;
  /**
   * Whether the environment the clause lives in has a live segment with this key: a segmentMatch
   * naming any other key would silently never match, so it is refused (patch/unknown_segment).
   */
  segmentExists(key: string): boolean;
}

/** Reads a ClauseInput into a Clause with the given id (a new one, or the kept one for updateClause). */
export function readClause(f: Fields, id: string, rules: ClauseRules): Clause {
  const contextKind = f.optContextKind('contextKind');
  const op = f.string('op');
  if (!isClauseOp(op)) f.fail(`must be one of ${CLAUSE_OPS.join(', ')}`, 'op');
  // segmentMatch ignores the attribute: LaunchDarkly's own data leaves it empty (""), so any string
  // or none at all is fine there; every other op needs a valid attribute reference.
  const attribute =
    op === 'segmentMatch' ? (f.optString('attribute', { allowEmpty: true }) ?? '') : f.string('attribute');
  const problem = op === 'segmentMatch' ? undefined : attributeReferenceProblem(attribute, contextKind !== undefined);
  if (problem) f.fail(problem, 'attribute');
  const values = f.jsonList('values');
  checkClauseValues(f, op, values, 'values', rules);
  const negate = f.optBoolean('negate') ?? false;
  const clause: Clause = { _id: id, attribute, op, values, negate };
  if (contextKind !== undefined) clause.contextKind = contextKind;
  return clause;
}

/** Reads a non-empty list of ClauseInputs, giving each a fresh id. */
export function readClauses(f: Fields, field: string, newId: () => string, rules: ClauseRules): Clause[] {
  const inputs = f.objectList(field, CLAUSE_INPUT_FIELDS, { min: 1, max: MAX_CLAUSES_PER_RULE });
  const clauses = inputs.map((input) => readClause(input, newId(), rules));
  const valueCount = clauses.reduce((sum, clause) => sum + clause.values.length, 0);
  if (valueCount > MAX_VALUES_PER_INSTRUCTION) {
    f.fail(`clauses may hold at most ${MAX_VALUES_PER_INSTRUCTION} values in one instruction`, field);
  }
  return clauses;
}

/** Values must suit the op; only segmentMatch has a hard requirement (keys of existing segments). */
export function checkClauseValues(
  f: Fields,
  op: ClauseOp,
  values: JsonValue[],
  field: string,
  rules: ClauseRules,
): void {
  if (op !== 'segmentMatch') return;
  values.forEach((value, i) => {
    if (typeof value !== 'string') f.fail('segmentMatch values must be strings', `${field}[${i}]`);
    if (!KEY_PATTERN.test(value)) f.fail(`'${value}' is not a valid segment key`, `${field}[${i}]`);
    if (value === rules.selfSegmentKey) f.fail('a segment cannot match itself', `${field}[${i}]`);
  });
  const missing = values.flatMap((value, i) => (rules.segmentExists(value as string) ? [] : [i]));
  if (missing.length) {
    throw new PatchError(
      missing.map((i) => ({
        index: f.index,
        field: f.pathOf(`${field}[${i}]`),
        reason: `segment '${values[i] as string}' does not exist in this environment`,
      })),
      'patch/unknown_segment',
    );
  }
}

function isClauseOp(op: string): op is ClauseOp {
  return (CLAUSE_OPS as readonly string[]).includes(op);
}
