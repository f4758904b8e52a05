/**
 * Approval settings of one environment: whether changes there need reviewed change requests, and
 * which changes. Stored as JSON on the environment (runtime policy lives in the database); an
 * environment without its own settings follows its project's defaults, and without those, the
 * built-in default: approval required exactly when the environment is critical.
 */

/** What kind of change needs approval; any listed condition that matches is enough. */
export const APPROVAL_CONDITIONS = ['anyChange', 'toggle', 'targeting', 'rolloutIncrease'] as const;
export type ApprovalCondition = (typeof APPROVAL_CONDITIONS)[number];

export interface ApprovalSettings {
  required: boolean;
  /** Distinct eligible approvals needed, 1..10. */
  minApprovals: number;
  canReviewOwnRequest: boolean;
  canApplyDeclinedChanges: boolean;
  /** When non-empty, only flags/segments carrying one of these tags need approval. */
  requiredApprovalTags: string[];
  /** When non-empty, only members of these teams (keys) may review. */
  reviewerTeams: string[];
  autoApplyOnApproval: boolean;
  serviceTokensCanReview: boolean;
  conditions: ApprovalCondition[];
  /** For `rolloutIncrease`: a rise of a variation's share by more than this many thousandths of a percent. */
  rolloutIncreaseThreshold: number;
}

export const MIN_APPROVALS_MAX = 10;

export function defaultApprovalSettings(critical: boolean): ApprovalSettings {
  return {
    required: critical,
    minApprovals: 1,
    canReviewOwnRequest: false,
    canApplyDeclinedChanges: false,
    requiredApprovalTags: [],
    reviewerTeams: [],
    autoApplyOnApproval: false,
    serviceTokensCanReview: false,
    conditions: ['anyChange'],
    rolloutIncreaseThreshold: 0,
  };
}

/**
 * The settings in force: the environment's own, else the project's defaults, else the built-in
 * default. Stored JSON is merged over the default so settings written before a field existed
 * still read completely.
 */
export function effectiveApprovalSettings(own: unknown, projectDefaults: unknown, critical: boolean): ApprovalSettings {
  const base = defaultApprovalSettings(critical);
  const stored = isObject(own) ? own : isObject(projectDefaults) ? projectDefaults : undefined;
  return stored ? { ...base, ...(stored as Partial<ApprovalSettings>) } : base;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
