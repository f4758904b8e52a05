/** Readiness: the checks of a node and the verdict over them (pure, so it is unit-tested). */

/**
 * - ok: every check passes;
 * - degraded: PostgreSQL or Redis is unreachable, but the node still serves (SDK traffic from its
 *   snapshots; writes answer 503 until the store is back, then the node recovers by itself);
 * - down: it cannot serve: the schema is not current, or its SDK snapshots were never loaded.
 */
export type ReadinessStatus = 'ok' | 'degraded' | 'down';

export interface Readiness {
  status: ReadinessStatus;
  /** true unless down (a load balancer keeps sending traffic to a degraded node). */
  ready: boolean;
  checks: { postgres: string; redis: string; migrations: string; snapshots?: string };
}

/**
 * The verdict over the checks. Only what stops the node from serving is down: a schema it does not
 * know (pending migrations) or SDK snapshots never loaded. An unreachable store is degraded: the
 * node serves SDK traffic from its snapshots and recovers by itself when the store is back. A
 * migration check that could not run (PostgreSQL away) is degraded too: the schema was current at
 * start, where migrations are applied.
 */
export function readinessOf(checks: Readiness['checks']): Readiness {
  const down = checks.migrations.startsWith('pending') || (checks.snapshots !== undefined && checks.snapshots !== 'ok');
  const allOk = Object.values(checks).every((c) => c === 'ok');
  const status: ReadinessStatus = down ? 'down' : allOk ? 'ok' : 'degraded';
  return { status, ready: status !== 'down', checks };
}
