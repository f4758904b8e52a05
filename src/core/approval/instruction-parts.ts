import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../model/flag-config';
import type { FlagInstructionKind, SegmentInstructionKind } from '../patch';

/**
 * Which part of a configuration each instruction kind reads and writes, for conflict detection:
 * an instruction written against an older version conflicts when its part changed since. The
 * tables are typed over every kind, so adding an instruction kind to core/patch fails the build
 * until it is placed here. `rule` means the one rule named by the instruction's `ruleId`.
 */
export type FlagPart =
  | 'on'
  | 'offVariation'
  | 'fallthrough'
  | 'trackEvents'
  | 'targets'
  | 'rules'
  | 'rule'
  | 'prerequisites'
  | 'variations'
  | 'name'
  | 'description'
  | 'tags'
  | 'temporary'
  | 'maintainer'
  | 'plannedRemovalDate'
  | 'services'
  | 'archived';

export const FLAG_INSTRUCTION_PARTS: Record<FlagInstructionKind, FlagPart> = {
  turnFlagOn: 'on',
  turnFlagOff: 'on',
  updateFallthroughVariationOrRollout: 'fallthrough',
  updateOffVariation: 'offVariation',
  updateTrackEvents: 'trackEvents',
  updateTrackEventsFallthrough: 'trackEvents',
  updateRuleTrackEvents: 'rule',
  // Adding (possibly before another rule) and reordering depend on the whole list.
  addRule: 'rules',
  reorderRules: 'rules',
  removeRule: 'rule',
  updateRuleVariationOrRollout: 'rule',
  updateRuleDescription: 'rule',
  addClauses: 'rule',
  removeClauses: 'rule',
  updateClause: 'rule',
  addValuesToClause: 'rule',
  removeValuesFromClause: 'rule',
  addTargets: 'targets',
  removeTargets: 'targets',
  replaceTargets: 'targets',
  clearTargets: 'targets',
  addPrerequisite: 'prerequisites',
  updatePrerequisite: 'prerequisites',
  removePrerequisite: 'prerequisites',
  addVariation: 'variations',
  updateVariation: 'variations',
  removeVariation: 'variations',
  updateName: 'name',
  updateDescription: 'description',
  addTags: 'tags',
  removeTags: 'tags',
  makeFlagTemporary: 'temporary',
  makeFlagPermanent: 'temporary',
  updateMaintainer: 'maintainer',
  updatePlannedRemovalDate: 'plannedRemovalDate',
  setServices: 'services',
  archiveFlag: 'archived',
  restoreFlag: 'archived',
};

export type SegmentPart = 'included' | 'excluded' | 'rules' | 'rule' | 'name' | 'description' | 'tags';

export const SEGMENT_INSTRUCTION_PARTS: Record<SegmentInstructionKind, SegmentPart> = {
  addIncludedTargets: 'included',
  removeIncludedTargets: 'included',
  addExcludedTargets: 'excluded',
  removeExcludedTargets: 'excluded',
  addRule: 'rules',
  reorderRules: 'rules',
  removeRule: 'rule',
  updateRuleRollout: 'rule',
  updateRuleDescription: 'rule',
  addClauses: 'rule',
  removeClauses: 'rule',
  updateClause: 'rule',
  addValuesToClause: 'rule',
  removeValuesFromClause: 'rule',
  updateName: 'name',
  updateDescription: 'description',
  addTags: 'tags',
  removeTags: 'tags',
};

export interface FlagSide {
  flag: FlagDefinition;
  environment: FlagEnvironmentConfig;
}

interface PartView<S> {
  /** How a reason names the part: "the flag's <label> changed since version 7". */
  label: string;
  read(side: S): unknown;
}

export const FLAG_PARTS: Record<Exclude<FlagPart, 'rule'>, PartView<FlagSide>> = {
  on: { label: 'on/off state', read: (s) => s.environment.on },
  offVariation: { label: 'off variation', read: (s) => s.environment.offVariation },
  fallthrough: { label: 'fallthrough', read: (s) => s.environment.fallthrough },
  trackEvents: {
    label: 'event tracking',
    read: (s) => [s.environment.trackEvents, s.environment.trackEventsFallthrough],
  },
  // Both lists: a user key and another kind's key may not target different variations together.
  targets: { label: 'targets', read: (s) => [s.environment.targets, s.environment.contextTargets] },
  rules: { label: 'rules', read: (s) => s.environment.rules },
  prerequisites: { label: 'prerequisites', read: (s) => s.environment.prerequisites },
  variations: { label: 'variations', read: (s) => s.flag.variations },
  name: { label: 'name', read: (s) => s.flag.name },
  description: { label: 'description', read: (s) => s.flag.description },
  tags: { label: 'tags', read: (s) => s.flag.tags },
  temporary: { label: 'temporary setting', read: (s) => s.flag.temporary },
  maintainer: { label: 'maintainer', read: (s) => s.flag.maintainerId ?? null },
  plannedRemovalDate: { label: 'planned removal date', read: (s) => s.flag.plannedRemovalDate ?? null },
  services: { label: 'services', read: (s) => s.flag.services ?? [] },
  archived: { label: 'archived state', read: (s) => s.flag.archived },
};

export const SEGMENT_PARTS: Record<Exclude<SegmentPart, 'rule'>, PartView<SegmentConfig>> = {
  included: { label: 'included targets', read: (s) => [s.included, s.includedContexts] },
  excluded: { label: 'excluded targets', read: (s) => [s.excluded, s.excludedContexts] },
  rules: { label: 'rules', read: (s) => s.rules },
  name: { label: 'name', read: (s) => s.name },
  description: { label: 'description', read: (s) => s.description },
  tags: { label: 'tags', read: (s) => s.tags },
};
