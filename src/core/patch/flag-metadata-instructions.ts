import { FlagLevelHandler, FlagWorkspace } from './flag-patch-types';
import { PatchError } from './patch-error';
import {
  readDescription,
  readMaintainerId,
  readName,
  readPlannedRemovalDate,
  readServices,
  withTags,
  withoutTags,
} from './metadata-fields';

/** Project-level settings of a flag, shared by all its environments. */
export const FLAG_METADATA_HANDLERS = {
  addTags: {
    action: 'updateTags',
    fields: ['values'],
    apply(f, { flag }) {
      flag.tags = withTags(f, flag.tags);
    },
  },
  removeTags: {
    action: 'updateTags',
    fields: ['values'],
    apply(f, { flag }) {
      flag.tags = withoutTags(f, flag.tags);
    },
  },
  /** Replaces the flag's explicit service links (deploy signals); `values: []` clears them. */
  setServices: {
    action: 'updateTags',
    fields: ['values'],
    apply(f, { flag }) {
      const services = readServices(f);
      if (services) flag.services = services;
      else delete flag.services;
    },
  },
  updateName: {
    action: 'updateName',
    fields: ['value'],
    apply(f, { flag }) {
      flag.name = readName(f);
    },
  },
  updateDescription: {
    action: 'updateDescription',
    fields: ['value'],
    apply(f, { flag }) {
      flag.description = readDescription(f);
    },
  },
  makeFlagTemporary: {
    action: 'updateTemporary',
    fields: [],
    apply(_f, { flag }) {
      flag.temporary = true;
    },
  },
  makeFlagPermanent: {
    action: 'updateTemporary',
    fields: [],
    apply(_f, { flag }) {
      flag.temporary = false;
    },
  },
  /** `value`: a member id, or null to clear. Whether that member exists is not checked here (see README). */
  updateMaintainer: {
    action: 'updateMaintainer',
    fields: ['value'],
    apply(f, { flag }) {
      flag.maintainerId = readMaintainerId(f);
    },
  },
  /** `value`: an ISO-8601 date (2027-03-31) or date-time, or null to clear. */
  updatePlannedRemovalDate: {
    action: 'updateTemporary',
    fields: ['value'],
    apply(f, { flag }) {
      flag.plannedRemovalDate = readPlannedRemovalDate(f);
    },
  },
  // Whether another flag still depends on this one is the service's check: it needs the project.
  archiveFlag: {
    action: 'archiveFlag',
    fields: [],
    apply(_f, { flag }) {
      flag.archived = true;
    },
  },
  restoreFlag: {
    action: 'restoreFlag',
    fields: [],
    apply(f, ws) {
      // Rules written before the flag was archived may name segments deleted since: serving them
      // again would silently never match, so the restore is refused until they are fixed.
      if (ws.flag.archived) refuseUnknownSegments(f.index, ws);
      ws.flag.archived = false;
    },
  },
} satisfies Record<string, FlagLevelHandler>;

/** Every segmentMatch value, in every environment's rules, that names no live segment there. */
function refuseUnknownSegments(index: number, ws: FlagWorkspace): void {
  const errors = Object.entries(ws.environments).flatMap(([envKey, env]) =>
    env.rules.flatMap((rule, r) =>
      rule.clauses.flatMap((clause, c) =>
        clause.op !== 'segmentMatch'
          ? []
          : clause.values.flatMap((value, v) =>
              typeof value === 'string' && ws.ctx.segmentExists(envKey, value)
                ? []
                : [
                    {
                      index,
                      field: `environments.${envKey}.rules[${r}].clauses[${c}].values[${v}]`,
                      reason: `segment '${keyText(value)}' does not exist in environment '${envKey}' (rule '${rule._id}')`,
                    },
                  ],
            ),
      ),
    ),
  );
  if (errors.length) throw new PatchError(errors, 'patch/unknown_segment');
}

const keyText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
