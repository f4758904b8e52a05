import type { AuditRow } from '../audit.repository';

/** The public shape of an audit entry (ids as strings: they are 64-bit). */
export interface AuditEntryView {
  id: string;
  at: string;
  actor: unknown;
  action: string;
  resource: string;
  comment: string;
  before: unknown;
  after: unknown;
  delta: unknown;
  previousVersion: number | null;
  currentVersion: number | null;
  requestId: string | null;
  links: unknown;
  hash: string;
  prevHash: string;
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
