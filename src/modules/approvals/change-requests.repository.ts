import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { PrismaService, type Tx } from '../../infra/prisma/prisma.service';

const withContext = {
  reviews: { orderBy: { createdAt: 'asc' } },
  environment: { select: { key: true } },
  project: { select: { key: true } },
} satisfies Prisma.ChangeRequestInclude;
export type ChangeRequestRow = Prisma.ChangeRequestGetPayload<{ include: typeof withContext }>;

export interface ChangeRequestFilter {
  statuses?: string[];
  projectKey?: string;
  environmentKey?: string;
  resourceKind?: string;
  resourceKey?: string;
  requesterId?: string;
  limit: number;
  beforeCreatedAt?: Date;
}

export interface ChangeRequestUpdate {
  status?: string;
  description?: string;
  instructions?: unknown;
  baseVersion?: number;
  contentHash?: string;
  approvalsRequired?: number;
  approvalReasons?: string[];
  executionDate?: Date | null;
  appliedVersion?: number;
  appliedAt?: Date;
  failure?: unknown;
  history?: unknown[];
}

/** What applying a request needs of the store (ChangeRequestApplyService's unit spec fakes it). */
export interface ChangeRequestStore {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  find(id: string): Promise<ChangeRequestRow | null>;
  /** Locks the request row until the transaction ends. */
  findForUpdate(tx: Tx, id: string): Promise<ChangeRequestRow | null>;
  update(tx: Tx, id: string, data: ChangeRequestUpdate): Promise<ChangeRequestRow>;
  /** Team keys of members (reviewer restriction), keyed by member id. */
  teamsOf(memberIds: string[]): Promise<Map<string, string[]>>;
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Change requests and their reviews (the resources they target are read through their ResourceWriter). */
@Injectable()
export class ChangeRequestsRepository implements ChangeRequestStore {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  find(id: string, db: Tx | PrismaService = this.prisma): Promise<ChangeRequestRow | null> {
    return db.changeRequest.findUnique({ where: { id }, include: withContext });
  }

  /** Locks the request row, then reads it fresh (see FlagsRepository.findForUpdate for why two statements). */
  async findForUpdate(tx: Tx, id: string): Promise<ChangeRequestRow | null> {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "ChangeRequest" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  create(
    tx: Tx,
    data: Omit<
      Prisma.ChangeRequestUncheckedCreateInput,
      'instructions' | 'requester' | 'history' | 'approvalReasons'
    > & { instructions: unknown; requester: unknown; history: unknown[]; approvalReasons: string[] },
  ) {
    return tx.changeRequest.create({
      data: {
        ...data,
        instructions: json(data.instructions),
        requester: json(data.requester),
        history: json(data.history),
        approvalReasons: json(data.approvalReasons),
      },
      include: withContext,
    });
  }

  update(tx: Tx, id: string, data: ChangeRequestUpdate): Promise<ChangeRequestRow> {
    const { instructions, failure, history, approvalReasons, ...plain } = data;
    return tx.changeRequest.update({
      where: { id },
      data: {
        ...plain,
        ...(instructions !== undefined ? { instructions: json(instructions) } : {}),
        ...(failure !== undefined ? { failure: json(failure) } : {}),
        ...(history !== undefined ? { history: json(history) } : {}),
        ...(approvalReasons !== undefined ? { approvalReasons: json(approvalReasons) } : {}),
      },
      include: withContext,
    });
  }

  addReview(
    tx: Tx,
    r: {
      changeRequestId: string;
      reviewer: unknown;
      reviewerId: string;
      decision: string;
      comment: string;
      contentHash: string;
    },
  ) {
    return tx.changeRequestReview.create({ data: { ...r, reviewer: json(r.reviewer) } });
  }

  list(f: ChangeRequestFilter): Promise<ChangeRequestRow[]> {
    return this.prisma.changeRequest.findMany({
      where: {
        ...(f.statuses ? { status: { in: f.statuses } } : {}),
        ...(f.projectKey ? { project: { key: f.projectKey } } : {}),
        ...(f.environmentKey ? { environment: { key: f.environmentKey } } : {}),
        ...(f.resourceKind ? { resourceKind: f.resourceKind } : {}),
        ...(f.resourceKey ? { resourceKey: f.resourceKey } : {}),
        ...(f.requesterId ? { requesterId: f.requesterId } : {}),
        ...(f.beforeCreatedAt ? { createdAt: { lt: f.beforeCreatedAt } } : {}),
      },
      include: withContext,
      orderBy: { createdAt: 'desc' },
      take: f.limit,
    });
  }

  /** Scheduled requests, earliest execution first (the worker's start-up sweep). */
  scheduled(limit: number): Promise<{ id: string; executionDate: Date | null }[]> {
    return this.prisma.changeRequest.findMany({
      where: { status: 'scheduled' },
      orderBy: { executionDate: 'asc' },
      take: limit,
      select: { id: true, executionDate: true },
    });
  }

  /** Team keys of members (reviewer restriction), keyed by member id. */
  async teamsOf(memberIds: string[]): Promise<Map<string, string[]>> {
    const rows = await this.prisma.teamMember.findMany({
      where: { memberId: { in: memberIds } },
      select: { memberId: true, team: { select: { key: true } } },
    });
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.memberId, [...(out.get(r.memberId) ?? []), r.team.key]);
    return out;
  }
}
