import { randomUUID } from 'node:crypto';
import type { ReviewDecision } from '../../core/approval';
import { fakeTx, type Tx } from '../../infra/prisma/tx';
import type { ActorRef } from '../accounts/models/actor';
import type { ChangeRequestRow, ChangeRequestStore, ChangeRequestUpdate } from './change-requests.repository';

/** The transaction handle the fakes pass along; none of them reads it. */
export const FAKE_TX = fakeTx(Object.freeze({}));

export type NewChangeRequest = Pick<ChangeRequestRow, 'resourceKind' | 'resourceKey'> &
  Partial<Omit<ChangeRequestRow, 'instructions' | 'requester'>> & { instructions: unknown[]; requester: ActorRef };

/**
 * ChangeRequestStore over memory. Like the database, a transaction that throws leaves the rows as
 * they were, and each read returns a copy; `locks` lists the requests locked, in order.
 */
export class FakeChangeRequestStore implements ChangeRequestStore {
  private rows = new Map<string, ChangeRequestRow>();
  /** Team keys by member id, as teamsOf answers them. */
  readonly teams = new Map<string, string[]>();
  readonly locks: string[] = [];

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const before = new Map([...this.rows].map(([id, row]) => [id, structuredClone(row)]));
    try {
      return await fn(FAKE_TX);
    } catch (err) {
      this.rows = before;
      throw err;
    }
  }

  async find(id: string): Promise<ChangeRequestRow | null> {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }

  async findForUpdate(_tx: Tx, id: string): Promise<ChangeRequestRow | null> {
    this.locks.push(id);
    return this.find(id);
  }

  async update(_tx: Tx, id: string, data: ChangeRequestUpdate): Promise<ChangeRequestRow> {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no change request ${id}`);
    const next = { ...row, ...(data as Partial<ChangeRequestRow>), updatedAt: new Date() };
    this.rows.set(id, next);
    return structuredClone(next);
  }

  async teamsOf(memberIds: string[]): Promise<Map<string, string[]>> {
    return new Map(memberIds.filter((m) => this.teams.has(m)).map((m) => [m, this.teams.get(m)!]));
  }

  /** A request as it would have been created: pending on version 1 of its resource unless said otherwise. */
  add(r: NewChangeRequest): ChangeRequestRow {
    const now = new Date();
    const row: ChangeRequestRow = {
      id: randomUUID(),
      projectId: 'project-1',
      environmentId: 'env-1',
      project: { key: 'shop' },
      environment: { key: 'production' },
      status: 'pending',
      description: '',
      baseVersion: 1,
      contentHash: 'content-1',
      approvalsRequired: 1,
      approvalReasons: [],
      guardrailWarnings: [],
      requesterId: r.requester.memberId ?? r.requester.id,
      executionDate: null,
      appliedVersion: null,
      appliedAt: null,
      failure: null,
      history: [],
      createdAt: now,
      updatedAt: now,
      reviews: [],
      ...r,
    };
    this.rows.set(row.id, row);
    return structuredClone(row);
  }

  /** A decision on the request's current content (reviews are only appended, as in the database). */
  review(id: string, reviewer: ActorRef, decision: ReviewDecision): void {
    const row = this.rows.get(id)!;
    row.reviews.push({
      id: randomUUID(),
      changeRequestId: id,
      reviewer,
      reviewerId: reviewer.memberId ?? reviewer.id,
      decision,
      comment: '',
      contentHash: row.contentHash,
      createdAt: new Date(),
    });
  }
}
