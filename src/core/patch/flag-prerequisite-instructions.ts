import { Prerequisite } from '../model/flag-config';
import { EnvironmentHandler, EnvironmentWorkspace, PrerequisiteFlagView } from './flag-patch-types';
import { Fields } from './instruction-fields';
import { KEY_PATTERN, MAX_ID_LENGTH } from './limits';
import { findPrerequisiteCycle } from './prerequisite-cycle';

const readKey = (f: Fields) => f.string('key', { max: 128, pattern: KEY_PATTERN, patternName: 'a valid flag key' });

function lookup(f: Fields, ws: EnvironmentWorkspace, key: string): PrerequisiteFlagView {
  const flag = ws.ctx.lookupFlag(key);
  if (!flag) f.fail(`flag '${key}' does not exist or is archived`, 'key');
  return flag;
}

/** The variation is one of the prerequisite flag's, so it is looked up there, not in the patched flag. */
function readPrerequisiteVariation(f: Fields, prerequisite: PrerequisiteFlagView, key: string): number {
  const id = f.string('variationId', { max: MAX_ID_LENGTH });
  const index = prerequisite.variations.findIndex((variation) => variation._id === id);
  if (index < 0) f.fail(`variation '${id}' is not a variation of flag '${key}'`, 'variationId');
  return index;
}

function existing(f: Fields, ws: EnvironmentWorkspace, key: string): Prerequisite {
  const prerequisite = ws.env.prerequisites.find((candidate) => candidate.key === key);
  if (!prerequisite) f.fail(`flag '${key}' is not a prerequisite`, 'key');
  return prerequisite;
}

export const FLAG_PREREQUISITE_HANDLERS = {
  addPrerequisite: {
    action: 'updatePrerequisites',
    fields: ['key', 'variationId'],
    apply(f, ws) {
      const key = readKey(f);
      if (key === ws.flag.key) f.fail('a flag cannot be its own prerequisite', 'key');
      if (ws.env.prerequisites.some((prerequisite) => prerequisite.key === key)) {
        f.fail(`flag '${key}' is already a prerequisite`, 'key');
      }
      const prerequisite = lookup(f, ws, key);
      const variation = readPrerequisiteVariation(f, prerequisite, key);
      const cycle = findPrerequisiteCycle(ws.flag.key, key, ws.envKey, (k) => ws.ctx.lookupFlag(k));
      if (cycle) f.fail(`would create a prerequisite cycle: ${cycle.join(' -> ')}`, 'key');
      ws.env.prerequisites.push({ key, variation });
    },
  },
  updatePrerequisite: {
    action: 'updatePrerequisites',
    fields: ['key', 'variationId'],
    apply(f, ws) {
      const key = readKey(f);
      const prerequisite = existing(f, ws, key);
      prerequisite.variation = readPrerequisiteVariation(f, lookup(f, ws, key), key);
    },
  },
  removePrerequisite: {
    action: 'updatePrerequisites',
    fields: ['key'],
    apply(f, ws) {
      const prerequisite = existing(f, ws, readKey(f));
      ws.env.prerequisites.splice(ws.env.prerequisites.indexOf(prerequisite), 1);
    },
  },
} satisfies Record<string, EnvironmentHandler>;
