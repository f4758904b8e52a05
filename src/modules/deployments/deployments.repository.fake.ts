import { randomUUID } from 'node:crypto';
import { fakeTx, type Tx } from '../../infra/prisma/tx';
import type { Deployment } from './deployment-records';
import type { DeploymentQuery, DeploymentStore, NewDeployment } from './deployments.repository';

/**
 * DeploymentsRepository in memory, for service specs: the same methods, rows in an array, a clock the
 * spec sets. A transaction that throws leaves nothing behind, as PostgreSQL's would.
 */
export class FakeDeploymentStore implements DeploymentStore {
  rows: Deployment[] = [];
  locks: string[] = [];
  now = new Date('2026-12-06T10:00:00.000Z');

  constructor(private readonly envKeys: Record<string, string>) {}

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const before = [...this.rows];
    try {
      return await fn(fakeTx({}));
    } catch (e) {
      this.rows = before;
      throw e;
    }
  }

  async lockSignal(_tx: Tx, environmentId: string, service: string, version: string): Promise<void> {
    this.locks.push(`${environmentId}:${service}:${version}`);
  }

  async findRecent(
    _tx: Tx,
    q: { environmentId: string; service: string; version: string; since: Date },
  ): Promise<Deployment | null> {
    const found = this.rows.filter(
      (r) =>
        r.environmentId === q.environmentId &&
        r.service === q.service &&
        r.version === q.version &&
        r.createdAt >= q.since,
    );
    return found[found.length - 1] ?? null;
  }

  async create(_tx: Tx, data: NewDeployment): Promise<Deployment> {
    const row: Deployment = {
      ...data,
      id: randomUUID(),
      environmentKey: this.envKeys[data.environmentId],
      createdAt: new Date(this.now),
    };
    this.rows.push(row);
    return row;
  }

  async list(q: DeploymentQuery): Promise<Deployment[]> {
    return this.rows
      .filter((r) => r.projectId === q.projectId && q.environmentIds.includes(r.environmentId))
      .filter((r) => !q.services || q.services.includes(r.service))
      .reverse()
      .slice(0, q.limit);
  }
}
