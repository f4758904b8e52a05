import type { FlagDefinition } from '../../core/model/flag-config';
import { BUILTIN_ROLES, compilePolicy, type ResourceRef } from '../../core/policy';
import { DomainError, notFound } from '../../core/errors';
import type { Tx } from '../../infra/prisma/tx';
import type { AuditRecord } from '../accounts/audit-trail';
import type { Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { RecordedDeployment } from './deployment-signals';
import { FakeDeploymentStore } from './deployments.repository.fake';
import { DeploymentsService, REPEAT_WINDOW_MS } from './deployments.service';

const token = (role: 'reader' | 'writer'): Actor => ({
  kind: 'token',
  id: `ci-${role}`,
  name: `CI ${role}`,
  tokenId: `ci-${role}`,
  policy: compilePolicy([{ source: `role:${role}`, statements: BUILTIN_ROLES[role] }]),
});
const ci = token('writer');
const reader = token('reader');

const at = new Date('2026-01-01T00:00:00Z');
const env = (id: string, key: string): EnvironmentContext => ({
  id,
  projectId: 'p-1',
  key,
  name: key,
  color: '000000',
  critical: key === 'production',
  tags: [],
  sdkKey: `sdk-${key}`,
  clientSideId: `cs-${key}`,
  mobileKey: `mob-${key}`,
  revision: 0n,
  createdAt: at,
  updatedAt: at,
  approvalSettings: null,
  governanceVersion: 1,
});
const project: ProjectContext = {
  id: 'p-1',
  key: 'shop',
  name: 'Shop',
  tags: [],
  createdAt: at,
  updatedAt: at,
  approvalDefaults: null,
  environments: [env('e-staging', 'staging'), env('e-production', 'production')],
};

const flag = (key: string, tags: string[], services?: string[]): FlagDefinition =>
  ({ key, tags, archived: false, ...(services ? { services } : {}) }) as FlagDefinition;

function setup(listener: (d: RecordedDeployment) => Promise<unknown[]> = async () => []) {
  const repo = new FakeDeploymentStore({ 'e-staging': 'staging', 'e-production': 'production' });
  const audits: AuditRecord[] = [];
  const published: RecordedDeployment[] = [];
  const emitted: { event: string; payload: object }[] = [];
  const counted: { outcome: string; critical: string }[] = [];
  const flags = [
    flag('by-tag', ['service.checkout']),
    flag('by-list', [], ['checkout']),
    flag('other', ['service.web']),
  ];
  const service = new DeploymentsService({
    repo,
    projects: {
      require: async (_a: Actor, key: string) => {
        if (key !== project.key) throw notFound('project', key);
        return project;
      },
      requireEnvironment: (p: ProjectContext, key: string) => {
        const e = p.environments.find((x) => x.key === key);
        if (!e) throw notFound('environment', `${p.key}/${key}`);
        return e;
      },
      requireVisibleEnvironment: (_a: Actor, p: ProjectContext, key: string) =>
        p.environments.find((x) => x.key === key)!,
      visibleEnvironments: (_a: Actor, p: ProjectContext) => p.environments,
    },
    flags: {
      liveDefinitions: async () => flags,
      definition: async (_p: string, key: string) => flags.find((f) => f.key === key) ?? null,
    },
    authz: {
      assert(a: Actor, action: string, resource: ResourceRef) {
        if (!a.policy.can(action, resource)) throw new DomainError('auth/forbidden', `${a.name} may not ${action}`);
      },
    },
    audit: {
      record: async (_tx: Tx, _a: Actor, r: AuditRecord) => {
        audits.push(r);
      },
    },
    signals: {
      publish: async (d: RecordedDeployment) => {
        published.push(d);
        return (await listener(d)) as never;
      },
    },
    webhooks: {
      emit: async (event: string, payload: object) => {
        emitted.push({ event, payload });
        return 1;
      },
    },
    metrics: { deployments: { inc: (labels: { outcome: string; critical: string }) => void counted.push(labels) } },
    clock: { now: () => new Date(repo.now) },
    logger: { log: () => undefined, warn: () => undefined },
  });
  return { repo, audits, published, emitted, counted, service };
}

const body = { environment: 'staging', service: 'checkout', version: '1.0.0' };

describe('DeploymentsService.record', () => {
  it('stores and audits the deployment, then tells the listeners with the linked flags', async () => {
    const { repo, audits, published, emitted, counted, service } = setup(async (d) =>
      d.flagKeys.map((flagKey) => ({ flagKey, kind: 'started', detail: {} })),
    );
    const answer = await service.record(ci, 'shop', { ...body, commitSha: 'ABCDEF1' });
    expect(repo.rows).toHaveLength(1);
    expect(repo.locks).toEqual(['e-staging:checkout:1.0.0']);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'recordDeployment',
        resource: 'proj/shop:env/staging',
        after: { service: 'checkout', version: '1.0.0', commitSha: 'abcdef1', url: null },
      }),
    ]);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      id: answer.id,
      projectKey: 'shop',
      environmentKey: 'staging',
      service: 'checkout',
      flagKeys: ['by-list', 'by-tag'],
      actor: { kind: 'token', id: 'ci-writer' },
    });
    expect(answer).toMatchObject({ repeated: false, flagKeys: ['by-list', 'by-tag'], commitSha: 'abcdef1' });
    expect(answer.effects.map((e) => e.flagKey)).toEqual(['by-list', 'by-tag']);
    expect(emitted.map((e) => e.event)).toEqual(['deployment.recorded']);
    expect(counted).toEqual([{ outcome: 'recorded', critical: 'false' }]);
  });

  it('answers a repeat within the window with the first deployment, starting nothing; after it, records anew', async () => {
    const { repo, published, emitted, counted, service } = setup();
    const first = await service.record(ci, 'shop', body);
    repo.now = new Date(repo.now.getTime() + REPEAT_WINDOW_MS - 1000);
    const again = await service.record(ci, 'shop', body);
    expect(again).toMatchObject({ id: first.id, repeated: true, effects: [] });
    expect([repo.rows.length, published.length, emitted.length]).toEqual([1, 1, 1]);
    repo.now = new Date(repo.now.getTime() + 2000);
    const later = await service.record(ci, 'shop', body);
    expect(later.id).not.toBe(first.id);
    expect(later.repeated).toBe(false);
    expect(counted.map((c) => c.outcome)).toEqual(['recorded', 'repeated', 'recorded']);
  });

  it('refuses before writing anything: unknown environment, a reader, a bad field', async () => {
    const { repo, audits, published, service } = setup();
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (e: DomainError) => e.code,
      );
    await expect(refusal(service.record(ci, 'shop', { ...body, environment: 'qa' }))).resolves.toBe(
      'environment/not_found',
    );
    await expect(refusal(service.record(reader, 'shop', body))).resolves.toBe('auth/forbidden');
    await expect(refusal(service.record(ci, 'shop', { ...body, url: 'file:///etc/passwd' }))).resolves.toBe(
      'deployment/invalid_url',
    );
    expect([repo.rows.length, audits.length, published.length]).toEqual([0, 0, 0]);
  });

  it('a failing webhook emit fails nothing', async () => {
    const { service } = setup();
    const deps = (service as unknown as { deps: { webhooks: { emit: () => Promise<number> } } }).deps;
    deps.webhooks.emit = () => Promise.reject(new Error('redis down'));
    await expect(service.record(ci, 'shop', body)).resolves.toMatchObject({ repeated: false });
  });
});

describe('DeploymentsService.listForFlag', () => {
  it("lists the deployments of the flag's services, and none for a flag linked to no service", async () => {
    const { service } = setup();
    await service.record(ci, 'shop', body);
    await service.record(ci, 'shop', { ...body, service: 'web', version: '2' });
    await service.record(ci, 'shop', { ...body, service: 'search', version: '3' });
    const byList = await service.listForFlag(ci, 'shop', 'by-list', {});
    expect(byList.items.map((d) => d.service)).toEqual(['checkout']);
    const other = await service.listForFlag(ci, 'shop', 'other', {});
    expect(other.items.map((d) => d.service)).toEqual(['web']);
    await expect(service.listForFlag(ci, 'shop', 'missing', {})).rejects.toMatchObject({ code: 'flag/not_found' });
  });
});
