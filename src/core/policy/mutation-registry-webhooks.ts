import type { MutationEntry } from './mutation-registry-types';

export const WEBHOOK_ENTRIES: readonly MutationEntry[] = [
  // Webhooks and audit
  {
    surface: 'rest',
    operation: 'POST /api/v1/webhooks',
    actions: ['manageWebhooks'],
    resource: 'webhook',
    gate: 'not-targeting',
    reason: 'creating a webhook: does not change what any SDK serves',
  },
  {
    surface: 'rest',
    operation: 'PATCH /api/v1/webhooks/{id}',
    actions: ['manageWebhooks'],
    resource: 'webhook',
    gate: 'not-targeting',
    reason: 'changes where events are sent; does not change what any SDK serves',
  },
  {
    surface: 'rest',
    operation: 'DELETE /api/v1/webhooks/{id}',
    actions: ['manageWebhooks'],
    resource: 'webhook',
    gate: 'not-targeting',
    reason: 'stops sending events; does not change what any SDK serves',
  },
  {
    surface: 'rest',
    operation: 'POST /api/v1/audit-log/verifications',
    actions: ['viewAuditLog'],
    resource: 'audit verification',
    gate: 'not-targeting',
    reason: 'verifies the audit hash chain in the background; reads only',
  },
];
