import { DomainError } from '../errors';
import {
  APPROVAL_CONDITIONS,
  effectiveApprovalSettings,
  MIN_APPROVALS_MAX,
  type ApprovalSettings,
} from './approval-settings';
import type { ConfigChange } from './config-change';
import { changeOf, valueText } from './diff-format';

/**
 * What protects an environment, as governance change requests see it (pure): its settings, its
 * own approval settings, whether it still exists. Instructions change it the way semantic patches
 * change a flag, so a request of kind `environment` is reviewed, version-bound and applied like one.
 */
export interface EnvironmentGovernanceState {
  name: string;
  color: string;
  critical: boolean;
  tags: string[];
  /** The environment's own approval settings (null = the project's defaults or the built-in default). */
  approvalSettings: Partial<ApprovalSettings> | null;
  deleted: boolean;
}

export type EnvironmentInstruction =
  | { kind: 'updateEnvironment'; name?: string; color?: string; critical?: boolean; tags?: string[] }
  | { kind: 'updateApprovalSettings'; settings: Partial<ApprovalSettings> }
  | { kind: 'removeApprovalSettings' }
  | { kind: 'deleteEnvironment' };

export const ENVIRONMENT_INSTRUCTION_KINDS = [
  'updateEnvironment',
  'updateApprovalSettings',
  'removeApprovalSettings',
  'deleteEnvironment',
] as const;

/** The fields each instruction takes besides `kind`; any other is refused, so a typo is not silently ignored. */
export const ENVIRONMENT_INSTRUCTION_FIELDS = {
  updateEnvironment: ['name', 'color', 'critical', 'tags'],
  updateApprovalSettings: ['settings'],
  removeApprovalSettings: [],
  deleteEnvironment: [],
} as const satisfies Record<(typeof ENVIRONMENT_INSTRUCTION_KINDS)[number], readonly string[]>;

/** The policy action each instruction is authorized by when it is requested (the approval is the review). */
export const ENVIRONMENT_INSTRUCTION_ACTIONS = {
  updateEnvironment: 'updateEnvironment',
  updateApprovalSettings: 'updateEnvironment',
  removeApprovalSettings: 'updateEnvironment',
  deleteEnvironment: 'deleteEnvironment',
} as const satisfies Record<(typeof ENVIRONMENT_INSTRUCTION_KINDS)[number], string>;

const invalid = (index: number, reason: string) =>
  new DomainError('patch/invalid_instruction', `instruction ${index}: ${reason}`, [{ index, reason }]);

/** The type of each approval setting an updateApprovalSettings instruction may set. */
export const SETTINGS_TYPES: Record<keyof ApprovalSettings, 'boolean' | 'number' | 'strings'> = {
  required: 'boolean',
  minApprovals: 'number',
  canReviewOwnRequest: 'boolean',
  canApplyDeclinedChanges: 'boolean',
  requiredApprovalTags: 'strings',
  reviewerTeams: 'strings',
  autoApplyOnApproval: 'boolean',
  serviceTokensCanReview: 'boolean',
  conditions: 'strings',
  rolloutIncreaseThreshold: 'number',
};

/** Validates a list of environment instructions (shape and types); throws 400 naming the failing index. */
export function parseEnvironmentInstructions(list: unknown): EnvironmentInstruction[] {
  if (!Array.isArray(list) || list.length === 0 || list.length > 20)
    throw new DomainError('patch/invalid_instruction', 'instructions must be a list of 1 to 20 instructions');
  return list.map((raw, i) => parseOne(raw, i));
}

function parseOne(raw: unknown, i: number): EnvironmentInstruction {
  const o = raw as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw invalid(i, 'an instruction is an object');
  if (isEnvironmentKind(o.kind)) {
    const allowed: readonly string[] = ENVIRONMENT_INSTRUCTION_FIELDS[o.kind];
    const unknown = Object.keys(o).find((k) => k !== 'kind' && !allowed.includes(k) && o[k] !== undefined);
    if (unknown !== undefined) throw invalid(i, `${unknown}: unknown field`);
  }
  switch (o.kind) {
    case 'updateEnvironment': {
      const { name, color, critical, tags } = o;
      if (name !== undefined && (typeof name !== 'string' || !name.trim() || name.length > 256))
        throw invalid(i, 'name: a non-empty string');
      if (color !== undefined && (typeof color !== 'string' || !/^[0-9A-Fa-f]{6}$/.test(color)))
        throw invalid(i, 'color: six hex digits');
      if (critical !== undefined && typeof critical !== 'boolean') throw invalid(i, 'critical: a boolean');
      if (tags !== undefined && !isStrings(tags)) throw invalid(i, 'tags: a list of strings');
      if ([name, color, critical, tags].every((v) => v === undefined))
        throw invalid(i, 'updateEnvironment names at least one of name, color, critical, tags');
      return { kind: 'updateEnvironment', name, color, critical, tags };
    }
    case 'updateApprovalSettings':
      return { kind: 'updateApprovalSettings', settings: parseSettings(o.settings, i) };
    case 'removeApprovalSettings':
    case 'deleteEnvironment':
      return { kind: o.kind };
    default:
      throw new DomainError(
        'patch/unknown_instruction',
        `instruction ${i}: unknown kind ${valueText(o.kind)}; one of ${ENVIRONMENT_INSTRUCTION_KINDS.join(', ')}`,
        [{ index: i, field: 'kind', reason: 'unknown instruction kind' }],
      );
  }
}

const isEnvironmentKind = (kind: unknown): kind is (typeof ENVIRONMENT_INSTRUCTION_KINDS)[number] =>
  typeof kind === 'string' && (ENVIRONMENT_INSTRUCTION_KINDS as readonly string[]).includes(kind);

function parseSettings(raw: unknown, i: number): Partial<ApprovalSettings> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(i, 'settings: an object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const type = SETTINGS_TYPES[k as keyof ApprovalSettings];
    if (!type) throw invalid(i, `settings.${k}: unknown setting`);
    const ok =
      type === 'boolean'
        ? typeof v === 'boolean'
        : type === 'number'
          ? Number.isInteger(v) && (v as number) >= 0
          : isStrings(v);
    if (!ok) throw invalid(i, `settings.${k}: ${type === 'strings' ? 'a list of strings' : `a ${type}`}`);
    out[k] = v;
  }
  const s = out as Partial<ApprovalSettings>;
  if (s.minApprovals !== undefined && (s.minApprovals < 1 || s.minApprovals > MIN_APPROVALS_MAX))
    throw invalid(i, `settings.minApprovals: 1 to ${MIN_APPROVALS_MAX}`);
  const unknown = (s.conditions ?? []).filter((c) => !(APPROVAL_CONDITIONS as readonly string[]).includes(c));
  if (unknown.length) throw invalid(i, `settings.conditions: unknown ${unknown.join(', ')}`);
  return s;
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 100 && v.every((x) => typeof x === 'string' && x.length <= 128);

/** The state after the instructions; changing a deleted environment is refused. */
export function applyEnvironmentInstructions(
  state: EnvironmentGovernanceState,
  instructions: EnvironmentInstruction[],
  projectDefaults: Partial<ApprovalSettings> | null,
): EnvironmentGovernanceState {
  let next: EnvironmentGovernanceState = { ...state, tags: [...state.tags] };
  instructions.forEach((ins, i) => {
    if (next.deleted) throw invalid(i, 'the environment is deleted by an earlier instruction');
    if (ins.kind === 'updateEnvironment') {
      next = {
        ...next,
        ...(ins.name !== undefined ? { name: ins.name } : {}),
        ...(ins.color !== undefined ? { color: ins.color } : {}),
        ...(ins.critical !== undefined ? { critical: ins.critical } : {}),
        ...(ins.tags !== undefined ? { tags: [...new Set(ins.tags)] } : {}),
      };
    } else if (ins.kind === 'updateApprovalSettings') {
      const current = effectiveApprovalSettings(next.approvalSettings, projectDefaults, next.critical);
      next = { ...next, approvalSettings: normalized({ ...current, ...ins.settings }) };
    } else if (ins.kind === 'removeApprovalSettings') next = { ...next, approvalSettings: null };
    else next = { ...next, deleted: true };
  });
  return next;
}

const normalized = (s: ApprovalSettings): ApprovalSettings => ({
  ...s,
  requiredApprovalTags: [...new Set(s.requiredApprovalTags)].sort(),
  reviewerTeams: [...new Set(s.reviewerTeams)].sort(),
  conditions: [...new Set(s.conditions)],
});

/**
 * Why a change to an environment's protection needs approval: in an environment whose settings
 * require approval, anything that weakens or removes protection — lowering `critical`, changing or
 * removing its approval settings, deleting it. Renaming, recolouring and raising `critical` do not.
 */
export function environmentGovernanceReasons(
  settingsInForce: ApprovalSettings,
  before: EnvironmentGovernanceState,
  after: EnvironmentGovernanceState,
): string[] {
  if (!settingsInForce.required) return [];
  const reasons: string[] = [];
  if (after.deleted && !before.deleted) reasons.push('deleting an environment whose changes require approval');
  if (before.critical && !after.critical) reasons.push('lowering critical on an environment that requires approval');
  if (JSON.stringify(before.approvalSettings) !== JSON.stringify(after.approvalSettings))
    reasons.push('changing the approval settings of an environment that requires approval');
  return reasons;
}

/** Reviewer-facing differences between two states. */
export function diffEnvironment(before: EnvironmentGovernanceState, after: EnvironmentGovernanceState): ConfigChange[] {
  return [
    ...changeOf('environment.deleted', before.deleted, after.deleted, () => 'the environment is deleted'),
    ...(['name', 'color', 'critical', 'tags'] as const).flatMap((f) =>
      changeOf(
        `environment.${f}`,
        before[f],
        after[f],
        () => `${f} changed from ${valueText(before[f])} to ${valueText(after[f])}`,
      ),
    ),
    ...changeOf('environment.approvalSettings', before.approvalSettings, after.approvalSettings, () =>
      after.approvalSettings === null
        ? 'own approval settings removed (the project defaults or the built-in default apply)'
        : `approval settings changed to ${valueText(after.approvalSettings)}`,
    ),
  ];
}
