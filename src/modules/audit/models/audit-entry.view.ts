import type { ChainedContent } from '../../../core/audit/hash-chain';
import type { AuditRow } from '../audit.repository';

/** The public shape of an audit entry: the hashed content plus its id (a string: ids are 64-bit) and hash. */
export interface AuditEntryView extends ChainedContent {
  id: string;
  hash: string;
}

export const toAuditEntryView = (r: AuditRow): AuditEntryView => ({
  id: String(r.id),
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  action: r.action,
  resource: r.resource,
  comment: r.comment,
  before: r.before ?? null,
  after: r.after ?? null,
  delta: r.delta ?? null,
  previousVersion: r.previousVersion,
  currentVersion: r.currentVersion,
  requestId: r.requestId,
  links: r.links ?? null,
  hash: r.hash,
  prevHash: r.prevHash,
});
