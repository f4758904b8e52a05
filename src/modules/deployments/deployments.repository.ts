import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../infra/prisma/generated/client';
import { fromJson, toJson } from '../../infra/prisma/json-columns';
import { PrismaService, type Tx, txClient } from '../../infra/prisma/prisma.service';
import type { ActorRef } from '../accounts/models/actor';
import type { Deployment, DeploymentCursor } from './deployment-records';

const withEnvironment = { environment: { select: { key: true } } } satisfies Prisma.DeploymentInclude;
type Row = Prisma.DeploymentGetPayload<{ include: typeof withEnvironment }>;

const toDeployment = ({ environment, actor, ...r }: Row): Deployment => ({
  ...r,
  environmentKey: environment.key,
  actor: fromJson<ActorRef>(actor),
});

const olderThan = (before?: DeploymentCursor): Prisma.DeploymentWhereInput =>
  before
    ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }
    : {};

/** What DeploymentsService needs of storage (FakeDeploymentStore implements it for the unit spec). */
export interface DeploymentStore {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  lockSignal(tx: Tx, environmentId: string, service: string, version: string): Promise<void>;
  findRecent(
    tx: Tx,
    q: { environmentId: string; service: string; version: string; since: Date },
  ): Promise<Deployment | null>;
  create(tx: Tx, data: NewDeployment): Promise<Deployment>;
  list(q: DeploymentQuery): Promise<Deployment[]>;
}

export interface NewDeployment {
  projectId: string;
  environmentId: string;
  service: string;
  version: string;
  commitSha: string | null;
  url: string | null;
  actor: ActorRef;
}

/** Newest first, in the given environments, optionally of some services only. */
export interface DeploymentQuery {
  projectId: string;
  environmentIds: string[];
  services?: string[];
  before?: DeploymentCursor;
  limit: number;
}

/** Deployments recorded from deploy signals; newest-first listings use the (…, createdAt, id) indexes. */
@Injectable()
export class DeploymentsRepository implements DeploymentStore {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  /**
   * Serialises signals for one (environment, service, version) until the transaction ends, so two
   * CI retries arriving together cannot both see "no recent deployment" and both record one.
   */
  async lockSignal(tx: Tx, environmentId: string, service: string, version: string): Promise<void> {
    const key = `deployment:${environmentId}:${service}:${version}`;
    await txClient(tx).$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
  }

  /** The newest deployment of this version of the service in the environment since `since`, if any. */
  async findRecent(
    tx: Tx,
    q: { environmentId: string; service: string; version: string; since: Date },
  ): Promise<Deployment | null> {
    const row = await txClient(tx).deployment.findFirst({
      where: {
        environmentId: q.environmentId,
        service: q.service,
        version: q.version,
        createdAt: { gte: q.since },
      },
      include: withEnvironment,
      orderBy: { createdAt: 'desc' },
    });
    return row && toDeployment(row);
  }

  async create(tx: Tx, data: NewDeployment): Promise<Deployment> {
    const row = await txClient(tx).deployment.create({
      data: { ...data, actor: toJson(data.actor) },
      include: withEnvironment,
    });
    return toDeployment(row);
  }

  async list(q: DeploymentQuery): Promise<Deployment[]> {
    const rows = await this.prisma.deployment.findMany({
      where: {
        projectId: q.projectId,
        environmentId: { in: q.environmentIds },
        ...(q.services ? { service: { in: q.services } } : {}),
        ...olderThan(q.before),
      },
      include: withEnvironment,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit,
    });
    return rows.map(toDeployment);
  }
}
