import type { MutationEntry } from './mutation-registry-types';

export const JOB_ENTRIES: readonly MutationEntry[] = [
  // Jobs (BullMQ): Gantry's own work, as the automation actor
  {
    surface: 'job',
    operation: 'audit.verify-chain',
    actions: [],
    resource: 'audit verification',
    gate: 'not-targeting',
    reason: 'recomputes the audit hash chain and records the result',
  },
  {
    surface: 'job',
    operation: 'maintenance.prune',
    actions: [],
    resource: 'outbox and SDK events',
    gate: 'not-targeting',
    reason: 'deletes published outbox rows and SDK events past their retention',
  },
  {
    surface: 'job',
    operation: 'webhook.deliver',
    actions: [],
    resource: 'webhook delivery',
    gate: 'not-targeting',
    reason: 'POSTs one event to a webhook receiver',
  },
  {
    surface: 'job',
    operation: 'change-request.apply-scheduled',
    actions: [],
    resource: 'flag environment config or segment',
    gate: 'gated',
    reason: 'applies an approved change request when due, re-checking every rule of an apply',
  },
  {
    surface: 'job',
    operation: 'scheduled-change.apply',
    actions: [],
    resource: 'flag environment config',
    gate: 'gated',
    reason: 'writes through the write path under the approval given when the change was scheduled',
  },
  {
    surface: 'job',
    operation: 'release.step',
    actions: [],
    resource: 'flag environment config',
    gate: 'gated',
    reason: 'writes the next stage through the write path under the approval the release started with',
  },
  {
    surface: 'job',
    operation: 'pipeline.advance',
    actions: [],
    resource: 'release, change request',
    gate: 'gated',
    reason: 'starts audiences as releases, or as change requests where the audience requires approval',
  },
];
