import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from './models/actor';

/** What a mutation tells the audit log; the log adds who, when, the delta and the chain hash. */
export interface AuditRecord {
  action: string;
  resource: string;
  comment?: string;
  before?: unknown;
  after?: unknown;
  previousVersion?: number | null;
  currentVersion?: number | null;
  links?: Record<string, unknown> | null;
}

/**
 * Where accounts records its mutations. The audit module sits above accounts (it needs actors and
 * authorization), so accounts declares what it needs here and AuditModule provides it (AuditService).
 */
export abstract class AuditTrail {
  /** Writes one entry inside the caller's transaction. */
  abstract record(tx: Tx, actor: Actor, r: AuditRecord): Promise<unknown>;
}
