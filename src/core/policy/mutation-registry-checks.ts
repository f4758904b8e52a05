import { isKnownAction } from './actions';
import { MUTATION_REGISTRY } from './mutation-registry-entries';
import { TRIGGER_URL_PREFIX, type MutationEntry, type MutationSurface } from './mutation-registry-types';

const OPERATION_FORMS: Record<MutationSurface, RegExp> = {
  rest: /^(POST|PUT|PATCH|DELETE) \/[A-Za-z0-9\-/{}]*$/,
  trigger: /^(POST|PUT|PATCH|DELETE) \/[A-Za-z0-9\-/{}]*$/,
  graphql: /^[a-z][A-Za-z0-9]*$/,
  job: /^[a-z][a-z-]*\.[a-z][a-z-]*$/,
};

/**
 * What is wrong with registry entries, one line each (empty: nothing): an action the catalogue does
 * not know, a `not-targeting` entry without its reason, an operation not written in its surface's
 * form, an entry listed twice. Types catch most of it at compile time; this catches the rest
 * (blank reasons, `:param` paths) and what a cast would let through.
 */
export function registryProblems(entries: readonly MutationEntry[] = MUTATION_REGISTRY): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const id = `${e.surface} ${e.operation}`;
    if (seen.has(id)) problems.push(`${id}: listed twice`);
    seen.add(id);
    if (!OPERATION_FORMS[e.surface]?.test(e.operation)) problems.push(`${id}: not a ${e.surface} operation`);
    if (e.surface === 'trigger' && !e.operation.split(' ')[1].startsWith(TRIGGER_URL_PREFIX))
      problems.push(`${id}: a trigger URL starts with ${TRIGGER_URL_PREFIX}`);
    // Typed as catalogue actions; a cast or plain data can still carry any string.
    for (const a of e.actions as readonly string[])
      if (!isKnownAction(a)) problems.push(`${id}: unknown action '${a}'`);
    if (!e.resource.trim()) problems.push(`${id}: names no resource`);
    const reason = e.reason?.trim() ?? '';
    if (e.gate === 'not-targeting' && !reason) problems.push(`${id}: not-targeting needs a reason`);
    if (/\n/.test(reason)) problems.push(`${id}: the reason is one line`);
  }
  return problems;
}
