import { Injectable } from '@nestjs/common';
import { OPEN_STATUSES } from '../../core/approval';
import type { FieldError } from '../../core/errors';
import type { PhaseOrigin } from '../../core/release';
import type { Prisma } from '../../infra/prisma/generated/client';
import { fromJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient, dbOf } from '../../infra/prisma/prisma.service';
import type { ActorRef } from '../accounts/models/actor';
import type { GuardrailWarning } from '../guardrails/guardrail-checks';

const withContext = {
  reviews: { orderBy: { createdAt: 'asc' } },
  environment: { select: { key: true } },
  project: { select: { key: true } },
} satisfies Prisma.ChangeRequestInclude;
type RequestRow = Prisma.ChangeRequestGetPayload<{ include: typeof withContext }>;

export interface ChangeRequestReview {
  id: string;
  changeRequestId: string;
  reviewer: ActorRef;
  reviewerId: string;
  /** `approve`, `decline` or `comment`. */
  decision: string;
  comment: string;
  contentHash: string;
  createdAt: Date;
}

/**
 * A change request as the repository returns it: plain data with typed JSON columns (not the
 * Prisma row, despite the name kept for its many users), its reviews oldest first.
 */
export interface ChangeRequestRow {
  id: string;
  /** Null once the project was deleted (`project.key` still names it). */
  projectId: string | null;
  project: { key: string };
  /** Null once the environment was deleted (`environment.key` still names it). */
  environmentId: string | null;
  environment: { key: string };
  resourceKind: string;
  resourceKey: string;
  status: string;
  description: string;
  instructions: unknown[];
  baseVersion: number;
  contentHash: string;
  approvalsRequired: number;
  approvalReasons: string[];
  /** Guardrail `warn` findings of the current content, for reviewers. */
  guardrailWarnings: GuardrailWarning[];
  requester: ActorRef;
  requesterId: string;
  /** The release plan run and phase that opened it (absent on rows the fakes build). */
  origin?: PhaseOrigin | null;
  executionDate: Date | null;
  appliedVersion: number | null;
  appliedAt: Date | null;
  failure: { code: string; message: string; errors: FieldError[] } | null;
  /** Status transitions: { at, status, actor, note }. */
  history: unknown[];
  createdAt: Date;
  updatedAt: Date;
  reviews: ChangeRequestReview[];
}

/** JSON columns are written here from validated instructions, actorRef() values and the apply's own failure. */
const toChangeRequest = ({ projectKey, environmentKey, ...r }: RequestRow): ChangeRequestRow => ({
  ...r,
  project: { key: r.project?.key ?? projectKey },
  environment: { key: r.environment?.key ?? environmentKey },
  instructions: fromJson<unknown[]>(r.instructions),
  approvalReasons: fromJson<string[]>(r.approvalReasons),
  guardrailWarnings: fromJson<GuardrailWarning[]>(r.guardrailWarnings),
  requester: fromJson<ActorRef>(r.requester),
  origin: r.origin === null ? null : fromJson<PhaseOrigin>(r.origin),
  failure: r.failure === null ? null : fromJson<NonNullable<ChangeRequestRow['failure']>>(r.failure),
  history: fromJson<unknown[]>(r.history),
  reviews: r.reviews.map((v) => ({ ...v, reviewer: fromJson<ActorRef>(v.reviewer) })),
});

export interface ChangeRequestFilter {
  statuses?: string[];
  projectKey?: string;
  environmentKey?: string;
  resourceKind?: string;
  resourceKey?: string;
  requesterId?: string;
  /** Only requests in these environments (the ones the caller may view); the filter is in the query. */
  environmentIds?: string[];
  limit: number;
  beforeCreatedAt?: Date;
}

export interface ChangeRequestUpdate {
  status?: string;
  description?: string;
  instructions?: unknown[];
  baseVersion?: number;
  contentHash?: string;
  approvalsRequired?: number;
  approvalReasons?: string[];
  guardrailWarnings?: GuardrailWarning[];
  executionDate?: Date | null;
  appliedVersion?: number;
  appliedAt?: Date;
  failure?: ChangeRequestRow['failure'];
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
  teamsOf(memberIds: string[], tx?: Tx): Promise<Map<string, string[]>>;
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Change requests and their reviews (the resources they target are read through their ResourceWriter). */
@Injectable()
export class ChangeRequestsRepository implements ChangeRequestStore {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  async find(id: string, db?: Tx): Promise<ChangeRequestRow | null> {
    const row = await dbOf(this.prisma, db).changeRequest.findUnique({ where: { id }, include: withContext });
    return row && toChangeRequest(row);
  }

  /** Locks the request row, then reads it fresh (see FlagLocksRepository.findForUpdate for why two statements). */
  async findForUpdate(tx: Tx, id: string): Promise<ChangeRequestRow | null> {
    const locked = await txClient(tx).$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "ChangeRequest" WHERE "id" = ${id}::uuid FOR UPDATE`;
    return locked.length ? this.find(id, tx) : null;
  }

  async create(
    tx: Tx,
    data: Omit<
      Prisma.ChangeRequestUncheckedCreateInput,
      'instructions' | 'requester' | 'history' | 'approvalReasons' | 'guardrailWarnings' | 'origin'
    > & {
      instructions: unknown[];
      requester: ActorRef;
      history: unknown[];
      approvalReasons: string[];
      projectKey: string;
      environmentKey: string;
      guardrailWarnings: GuardrailWarning[];
      origin?: PhaseOrigin;
    },
  ): Promise<ChangeRequestRow> {
    const { origin, ...plain } = data;
    const row = await txClient(tx).changeRequest.create({
      data: {
        ...plain,
        ...(origin ? { origin: json(origin) } : {}),
        instructions: json(data.instructions),
        requester: json(data.requester),
        history: json(data.history),
        approvalReasons: json(data.approvalReasons),
        guardrailWarnings: json(data.guardrailWarnings),
      },
      include: withContext,
    });
    return toChangeRequest(row);
  }

  async update(tx: Tx, id: string, data: ChangeRequestUpdate): Promise<ChangeRequestRow> {
    const { instructions, failure, history, approvalReasons, guardrailWarnings, ...plain } = data;
    const row = await txClient(tx).changeRequest.update({
      where: { id },
      data: {
        ...plain,
        ...(instructions !== undefined ? { instructions: json(instructions) } : {}),
        ...(failure !== undefined ? { failure: json(failure) } : {}),
        ...(history !== undefined ? { history: json(history) } : {}),
        ...(approvalReasons !== undefined ? { approvalReasons: json(approvalReasons) } : {}),
        ...(guardrailWarnings !== undefined ? { guardrailWarnings: json(guardrailWarnings) } : {}),
      },
      include: withContext,
    });
    return toChangeRequest(row);
  }

  async addReview(
    tx: Tx,
    r: {
      changeRequestId: string;
      reviewer: ActorRef;
      reviewerId: string;
      decision: string;
      comment: string;
      contentHash: string;
    },
  ): Promise<void> {
    await txClient(tx).changeRequestReview.create({ data: { ...r, reviewer: json(r.reviewer) } });
  }

  /** The newest request still open that `origin` opened on the flag in the environment, if any. */
  async openFrom(environmentId: string, flagKey: string, origin: PhaseOrigin): Promise<ChangeRequestRow | null> {
    const row = await this.prisma.changeRequest.findFirst({
      where: {
        environmentId,
        resourceKind: 'flag',
        resourceKey: flagKey,
        status: { in: [...OPEN_STATUSES] },
        origin: { equals: json(origin) },
      },
      include: withContext,
      orderBy: { createdAt: 'desc' },
    });
    return row && toChangeRequest(row);
  }

  async list(f: ChangeRequestFilter): Promise<ChangeRequestRow[]> {
    const rows = await this.prisma.changeRequest.findMany({
      where: {
        ...(f.statuses ? { status: { in: f.statuses } } : {}),
        ...(f.projectKey ? { project: { key: f.projectKey } } : {}),
        ...(f.environmentKey ? { environment: { key: f.environmentKey } } : {}),
        ...(f.resourceKind ? { resourceKind: f.resourceKind } : {}),
        ...(f.resourceKey ? { resourceKey: f.resourceKey } : {}),
        ...(f.requesterId ? { requesterId: f.requesterId } : {}),
        ...(f.environmentIds ? { environmentId: { in: f.environmentIds } } : {}),
        ...(f.beforeCreatedAt ? { createdAt: { lt: f.beforeCreatedAt } } : {}),
      },
      include: withContext,
      orderBy: { createdAt: 'desc' },
      take: f.limit,
    });
    return rows.map(toChangeRequest);
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
  async teamsOf(memberIds: string[], tx?: Tx): Promise<Map<string, string[]>> {
    const rows = await dbOf(this.prisma, tx).teamMember.findMany({
      where: { memberId: { in: memberIds } },
      select: { memberId: true, team: { select: { key: true } } },
    });
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.memberId, [...(out.get(r.memberId) ?? []), r.team.key]);
    return out;
  }
}
