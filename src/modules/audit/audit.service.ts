import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { compare } from 'fast-json-patch';
import { ChainVerifier, type ChainCheck } from '../../core/audit/hash-chain';
import { DomainError, notFound } from '../../core/errors';
import { auditLogResource } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { currentRequestId } from '../../infra/logging/request-context';
import type { Tx } from '../../infra/prisma/tx';
import { AuditTrail, type AuditRecord } from '../accounts/audit-trail';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { AuditRepository, sha256Hex } from './audit.repository';
import type { AuditLogQueryDto } from './dto/audit-log-query.dto';
import { inReadScope, ReadScopeSource, type ReadScope } from './read-scope';
import { toAuditEntryView, type AuditEntryView } from './models/audit-entry.view';

export type { AuditRecord } from '../accounts/audit-trail';

const VERIFY_PAGE = 1000;

@Injectable()
export class AuditService implements AuditTrail {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: ClockService,
    private readonly authz: AuthorizationService,
    private readonly modules: ModuleRef,
  ) {}

  /**
   * Read access is as narrow as write access: a caller who may not view every project and
   * environment reads only the entries inside the ones it may (never accounts, webhooks, ...).
   * The source is provided by the projects module, above this one, so it is looked up when needed.
   */
  private readScope(actor: Actor): Promise<ReadScope | null> {
    return this.modules.get(ReadScopeSource, { strict: false }).readScope(actor);
  }

  /**
   * Writes one entry inside the caller's transaction: every mutation calls this last. The INSERT
   * is sent just before the COMMIT (AuditRepository.append), so nothing later in the transaction
   * reads the entry; entries of one transaction keep the order they were recorded in.
   */
  record(tx: Tx, actor: Actor, r: AuditRecord): Promise<void> {
    const before = r.before ?? null;
    const after = r.after ?? null;
    const ref = actorRef(actor);
    return this.repo.append(
      tx,
      {
        at: this.clock.now().toISOString(),
        actor: ref,
        action: r.action,
        resource: r.resource,
        comment: r.comment ?? '',
        before,
        after,
        // RFC 6902 from before to after; a creation is a patch from {} and a deletion one to {}.
        delta: compare(before ?? {}, after ?? {}),
        previousVersion: r.previousVersion ?? null,
        currentVersion: r.currentVersion ?? null,
        requestId: currentRequestId() ?? null,
        links: r.links ?? null,
      },
      ref.memberId ?? ref.id,
    );
  }

  async list(actor: Actor, q: AuditLogQueryDto): Promise<{ items: AuditEntryView[]; next: string | null }> {
    this.authz.assert(actor, 'viewAuditLog', auditLogResource());
    const limit = q.limit ?? 50;
    const rows = await this.repo.list({
      resourceLike: q.resource ? specifierToLike(q.resource) : undefined,
      actorId: q.actor,
      action: q.action,
      changeRequestId: q.changeRequest,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      beforeId: q.cursor ? parseCursor(q.cursor) : undefined,
      within: (await this.readScope(actor))?.exact,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { items: page.map(toAuditEntryView), next: rows.length > limit ? String(page[page.length - 1].id) : null };
  }

  async get(actor: Actor, id: string): Promise<AuditEntryView> {
    this.authz.assert(actor, 'viewAuditLog', auditLogResource());
    const row = /^\d{1,18}$/.test(id) ? await this.repo.findById(BigInt(id)) : null;
    if (!row || !inReadScope(await this.readScope(actor), row.resource)) throw notFound('audit', id);
    return toAuditEntryView(row);
  }

  /** Recomputes the whole chain page by page; reports the first broken link. */
  async verify(actor: Actor, onProgress?: (checked: number, total: number) => void): Promise<ChainCheck> {
    this.authz.assert(actor, 'viewAuditLog', auditLogResource());
    const verifier = new ChainVerifier(sha256Hex);
    // Entries appended while verifying are checked too, so the total is where it stood at the start.
    const total = onProgress ? await this.repo.count() : 0;
    onProgress?.(0, total);
    let after = 0n;
    for (;;) {
      const rows = await this.repo.page(after, VERIFY_PAGE);
      for (const row of rows) {
        const { id, hash, ...content } = toAuditEntryView(row);
        if (!verifier.push(id, content, hash)) return verifier.result();
      }
      if (rows.length < VERIFY_PAGE) return verifier.result();
      onProgress?.(verifier.result().checked, total);
      after = rows[rows.length - 1].id;
    }
  }
}

/** `proj/*:env/production:flag/*` -> SQL LIKE; tag and attribute modifiers are not stored in entries, so they are dropped. */
export function specifierToLike(spec: string): string {
  return spec
    .split(':')
    .map((part) => part.split(';')[0])
    .join(':')
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%');
}

function parseCursor(cursor: string): bigint {
  if (!/^\d{1,18}$/.test(cursor))
    throw new DomainError('audit/invalid_cursor', 'cursor must be the `next` value of a previous page');
  return BigInt(cursor);
}
