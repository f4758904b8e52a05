import { DomainError } from '../errors';
import { MAX_INSTRUCTIONS } from './limits';
import { prerequisiteChanges } from './restore-prerequisite-instructions';
import { ruleChanges } from './restore-rule-instructions';
import { serveChange } from './restore-serve-instructions';
import { targetChanges } from './restore-target-instructions';
import type { RestoreInstruction, RestoreLookups, RestoreState } from './restore-types';
import { VariationIds } from './restore-variation-ids';

/**
 * Restore: the semantic-patch instructions that turn a flag's CURRENT configuration in one
 * environment into the configuration it had at a kept version, so that a restore is an ordinary
 * write through the one write path (authorized per instruction, gated, audited, reviewable as a
 * change request) rather than a snapshot copied over the row.
 *
 * Variations are flag-level and are not restored: the version's variation indexes are mapped to
 * variation ids through the version's own definition, and those ids must still exist (else 409
 * `flag_version/variation_removed`, naming them). The result therefore serves the same variations
 * (by id) even when indexes moved since. A prerequisite's variation is an index into the other
 * flag's variations, which are not versioned with this flag: it is read through that flag's current
 * variations.
 *
 * Rule ids are identities that outlive edits: pending change requests, scheduled changes, release
 * steps, audit diffs and the version history all address rules by id. So a restore keeps them:
 * a rule present in both versions is edited in place (it keeps its id, and the diff reads "rule
 * changed", not "removed and added"); a rule that was removed since the version is added back with
 * the id it had there (addRule takes a ruleId), so the restored configuration matches the version's
 * snapshot rule for rule; a rule added since is removed. Clause ids are the patch's business (an
 * instruction cannot choose one): clauses kept in place keep their ids, clauses added back get new
 * ones.
 *
 * Not restorable by instructions, and never written by them either: `salt`, and a rollout's `kind`,
 * `seed` and `untracked`. They are left as they are.
 */

export type { RestoreInstruction, RestoreLookups, RestoreState } from './restore-types';

/** Empty when `current` already is `target` (as far as instructions can tell). */
export function restoreInstructions(
  current: RestoreState,
  target: RestoreState,
  lookups: RestoreLookups,
): RestoreInstruction[] {
  const ids = new VariationIds(current.flag.variations, target.flag.variations);
  const cur = current.environment;
  const tgt = target.environment;
  const out: RestoreInstruction[] = [];
  if (cur.on !== tgt.on) out.push({ kind: tgt.on ? 'turnFlagOn' : 'turnFlagOff' });
  const off = tgt.offVariation === null ? null : ids.targetId(tgt.offVariation, 'offVariation');
  if (off !== (cur.offVariation === null ? null : ids.currentId(cur.offVariation))) {
    out.push({ kind: 'updateOffVariation', variationId: off });
  }
  out.push(
    ...serveChange('updateFallthroughVariationOrRollout', {}, cur.fallthrough, tgt.fallthrough, ids, 'fallthrough'),
  );
  if (cur.trackEvents !== tgt.trackEvents) out.push({ kind: 'updateTrackEvents', trackEvents: tgt.trackEvents });
  if (cur.trackEventsFallthrough !== tgt.trackEventsFallthrough) {
    out.push({ kind: 'updateTrackEventsFallthrough', trackEvents: tgt.trackEventsFallthrough });
  }
  out.push(...targetChanges(cur, tgt, ids));
  out.push(...prerequisiteChanges(cur.prerequisites, tgt.prerequisites, lookups));
  out.push(...ruleChanges(cur.rules, tgt.rules, ids));
  ids.assertNoneMissing();
  if (out.length > MAX_INSTRUCTIONS) {
    throw new DomainError(
      'flag_version/restore_too_large',
      `restoring this version takes ${out.length} instructions, more than the ${MAX_INSTRUCTIONS} one write may hold; ` +
        'restore an intermediate version first',
    );
  }
  return out;
}
