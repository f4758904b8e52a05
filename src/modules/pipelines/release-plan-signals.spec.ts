/**
 * Deploy signals → release plan phases, with a fake repository: DeploymentSignals.publish reaches
 * the plans' listener (ReleasePlanSignals subscribes at module init), which triggers the pending
 * deploy-trigger phases of that service in that environment, for runs of the linked flags only,
 * audits it as the signal's sender and arms the running run. (The deployments endpoint that publishes
 * is built on another branch; the e2e of a real signal lands with it.)
 */
import { DeploymentSignals, type RecordedDeployment } from '../deployments/deployment-signals';
import { initialPhaseStates, type PlanPhase } from '../../core/release';
import type { PipelineRun } from './pipeline-records';
import { ReleasePlanSignals } from './release-plan-signals';

// @nestjs/common is ES modules only, which jest's CommonJS runtime cannot load: stand-ins for what
// these files use; the services injected are fakes, so their modules are not loaded either.
jest.mock('@nestjs/common', () => ({
  Injectable: () => () => undefined,
  Logger: class {
    log() {}
    warn() {}
    error() {}
  },
}));
jest.mock('./pipelines.repository', () => ({ PipelinesRepository: class {} }));
jest.mock('../audit/audit.service', () => ({ AuditService: class {} }));
jest.mock('../../infra/clock/clock.service', () => ({ ClockService: class {} }));
jest.mock('../../infra/queues/queues.service', () => ({ QueuesService: class {} }));

const NOW = new Date('2030-01-01T12:00:00Z');

const phase = (environmentKey: string, trigger: PlanPhase['trigger']): PlanPhase => ({
  name: environmentKey,
  environmentKey,
  strategy: { kind: 'immediate' },
  requireApproval: false,
  soakMs: 0,
  turnFlagOn: false,
  trigger,
});

function run(id: string, flagKey: string, status: string, phases: PlanPhase[]): PipelineRun {
  return {
    id,
    projectId: 'p1',
    projectKey: 'shop',
    pipelineId: 'plan-1',
    pipelineKey: 'standard',
    planVersion: 1,
    flagKey,
    variationId: 'v-new',
    status,
    activeKey: `p1:${flagKey}`,
    currentPhase: 0,
    phases,
    audiences: initialPhaseStates(phases),
    createdBy: { kind: 'member', id: 'm1', name: 'Ann' },
    history: [],
    lastProgressAt: new Date('2030-01-01T00:00:00Z'),
    expireAfterMs: 86_400_000,
    createdAt: new Date('2030-01-01T00:00:00Z'),
    updatedAt: new Date('2030-01-01T00:00:00Z'),
  };
}

/** The repository methods the deploy listener uses, over an in-memory table. */
class FakeRuns {
  rows = new Map<string, PipelineRun>();
  updates: { id: string; data: Partial<PipelineRun> }[] = [];
  activeRuns(projectId: string, flagKeys: string[]) {
    return Promise.resolve(
      [...this.rows.values()].filter(
        (r) => r.projectId === projectId && flagKeys.includes(r.flagKey) && ['running', 'paused'].includes(r.status),
      ),
    );
  }
  transaction<T>(fn: (tx: unknown) => Promise<T>) {
    return fn('tx');
  }
  lockRunWait(_tx: unknown, id: string) {
    return Promise.resolve(this.rows.get(id) ?? null);
  }
  updateRun(_tx: unknown, id: string, data: Partial<PipelineRun>) {
    this.updates.push({ id, data });
    const next = { ...this.rows.get(id)!, ...data };
    this.rows.set(id, next);
    return Promise.resolve(next);
  }
}

function setup(...runs: PipelineRun[]) {
  const repo = new FakeRuns();
  for (const r of runs) repo.rows.set(r.id, r);
  const audited: { actor: { name: string; id: string }; action: string; comment?: string }[] = [];
  const alarms: string[] = [];
  const audit = {
    record: (_tx: unknown, actor: { name: string; id: string }, r: { action: string; comment?: string }) =>
      Promise.resolve(void audited.push({ actor, action: r.action, comment: r.comment })),
  };
  const queues = {
    addBulk: (_queue: string, jobs: { data: { runId: string } }[]) =>
      Promise.resolve(void alarms.push(...jobs.map((j) => j.data.runId))),
  };
  const clock = { now: () => NOW };
  const signals = new DeploymentSignals();
  new ReleasePlanSignals(signals, repo as never, audit as never, clock, queues as never).onModuleInit();
  return { repo, audited, alarms, signals };
}

const deployment = (over: Partial<RecordedDeployment> = {}): RecordedDeployment => ({
  id: 'd1',
  projectId: 'p1',
  projectKey: 'shop',
  environmentId: 'e-prod',
  environmentKey: 'production',
  service: 'api',
  version: '1.4.2',
  commitSha: null,
  url: null,
  createdAt: NOW,
  flagKeys: ['checkout'],
  actor: { kind: 'token', id: 't1', name: 'ci' },
  ...over,
});

describe('deploy signals start release plan phases', () => {
  const plan = [phase('staging', { kind: 'previous' }), phase('production', { kind: 'deploy', service: 'api' })];

  it('triggers the pending deploy phase of that service and environment, audited as the sender, and arms the run', async () => {
    const { repo, audited, alarms, signals } = setup(run('r1', 'checkout', 'running', plan));
    const effects = await signals.publish(deployment());
    expect(effects).toEqual([
      {
        flagKey: 'checkout',
        kind: 'release_plan.phase_triggered',
        detail: { runId: 'r1', phase: 1, environmentKey: 'production', runStatus: 'running' },
      },
    ]);
    expect(repo.rows.get('r1')!.audiences[1]).toEqual({
      phase: 1,
      environmentKey: 'production',
      status: 'pending',
      triggeredAt: NOW.toISOString(),
      triggeredBy: 'deploy of api 1.4.2 to production',
    });
    expect(repo.rows.get('r1')!.lastProgressAt).toEqual(NOW);
    expect(audited).toEqual([
      {
        actor: expect.objectContaining({ id: 't1', name: 'deploy signal from ci' }),
        action: 'triggerReleasePlanPhase',
        comment: 'deploy of api 1.4.2 to production',
      },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(alarms).toEqual(['r1']);
    // A second signal finds nothing left to trigger.
    expect(await signals.publish(deployment({ id: 'd2', version: '1.4.3' }))).toEqual([]);
  });

  it('ignores other services, other environments, unlinked flags and ended runs', async () => {
    const { repo, signals } = setup(
      run('r1', 'checkout', 'running', plan),
      run('r2', 'search', 'running', plan),
      run('r3', 'cart', 'completed', plan),
    );
    expect(await signals.publish(deployment({ service: 'web' }))).toEqual([]);
    expect(await signals.publish(deployment({ environmentKey: 'staging' }))).toEqual([]);
    expect(await signals.publish(deployment({ flagKeys: ['cart', 'unrelated'] }))).toEqual([]);
    expect(await signals.publish(deployment({ flagKeys: [] }))).toEqual([]);
    expect(repo.updates).toEqual([]);
  });

  it('records the trigger on a paused run (it starts when resumed) without arming it', async () => {
    const { repo, alarms, signals } = setup(run('r1', 'checkout', 'paused', plan));
    const effects = await signals.publish(deployment());
    expect(effects.map((e) => e.detail.runStatus)).toEqual(['paused']);
    expect(repo.rows.get('r1')!.audiences[1].triggeredAt).toBe(NOW.toISOString());
    await new Promise((r) => setImmediate(r));
    expect(alarms).toEqual([]);
  });
});
