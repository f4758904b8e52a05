import { DomainError } from '../errors';
import type { Prerequisite } from '../model/flag-config';
import type { RestoreInstruction, RestoreLookups } from './restore-types';
import { splitForAppend } from './split-for-append';

// Restore: prerequisites, matched by flag key; a variation index is read through the other flag's current variations.

export function prerequisiteChanges(
  current: Prerequisite[],
  target: Prerequisite[],
  lookups: RestoreLookups,
): RestoreInstruction[] {
  const missing: string[] = [];
  const variationIdOf = (p: Prerequisite): string => {
    const variations = lookups.prerequisiteVariations(p.key);
    const id = variations?.[p.variation]?._id;
    if (id === undefined) missing.push(p.key);
    return id ?? `#${p.variation}`;
  };
  const { kept, removed, added } = splitForAppend(current, target, (p) => p.key);
  const out: RestoreInstruction[] = removed.map((p) => ({ kind: 'removePrerequisite', key: p.key }));
  for (const [c, t] of kept) {
    if (c.variation !== t.variation)
      out.push({ kind: 'updatePrerequisite', key: t.key, variationId: variationIdOf(t) });
  }
  for (const p of added) out.push({ kind: 'addPrerequisite', key: p.key, variationId: variationIdOf(p) });
  if (missing.length) {
    throw new DomainError(
      'flag_version/prerequisite_removed',
      `the version has prerequisite${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')} ` +
        'that no longer exist (or are archived, or lost that variation)',
      missing.map((key) => ({ field: 'prerequisites', reason: `flag '${key}' cannot be a prerequisite any more` })),
    );
  }
  return out;
}
