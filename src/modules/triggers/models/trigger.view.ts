import type { ActorRef } from '../../accounts/models/actor';
import type { KeptBody } from '../trigger-bodies';
import type { TriggerAction } from '../trigger-action';
import type { Trigger } from '../trigger-records';

/** What every response and audit entry shows of a trigger: never the secret, only its last characters. */
export interface TriggerView {
  id: string;
  name: string;
  projectKey: string;
  environmentKey: string;
  flagKey: string;
  action: TriggerAction;
  enabled: boolean;
  secretHint: string;
  triggerCount: number;
  lastTriggeredAt: string | null;
  recentBodies: KeptBody[];
  createdBy: ActorRef;
  bypassesApproval: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The answer of a creation or rotation: the URL (and the secret in it) appear here and nowhere else. */
export interface CreatedTriggerView extends TriggerView {
  url: string;
  secret: string;
}

/** The answer to a trigger call. */
export interface TriggerFireResult {
  triggerId: string;
  /** false when the flag was already as the action would make it: nothing was written. */
  changed: boolean;
  /** The environment's configuration version after the call. */
  version: number;
  triggeredAt: string;
  /** true when this is the remembered answer to an earlier call with the same Idempotency-Key. */
  replayed: boolean;
}

export function triggerView(r: Trigger): TriggerView {
  const { bypass, ...createdBy } = r.createdBy;
  return {
    id: r.id,
    name: r.name,
    projectKey: r.projectKey,
    environmentKey: r.environmentKey,
    flagKey: r.flagKey,
    action: r.action,
    enabled: r.enabled,
    secretHint: r.secretHint,
    triggerCount: r.triggerCount,
    lastTriggeredAt: r.lastTriggeredAt?.toISOString() ?? null,
    recentBodies: r.recentBodies,
    createdBy,
    bypassesApproval: bypass === true,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The audit entry's before/after of a trigger: its settings, not its traffic. */
export function triggerAuditView(r: Trigger) {
  const { recentBodies: _bodies, triggerCount: _count, lastTriggeredAt: _last, ...rest } = triggerView(r);
  return rest;
}
