/**
 * The world test/e2e/read-scope.spec.ts walks: "sides" (one project and environment each, holding
 * one of everything a GET route can read), the routes that are about no side, and how a route's
 * path parameters are filled on a side.
 */
import type { ApiClient } from './app-harness';
import { factory, ok, type Flag } from './factories';

/** What one (project, environment) holds, and the values that fill a route's path parameters there. */
export interface Side {
  projectKey: string;
  envKey: string;
  flagKey: string;
  segmentKey: string;
  pipelineKey: string;
  pipelineFlagKey: string;
  changeRequestId: string;
  scheduleId: string;
  releaseId: string;
  triggerId: string;
  freezeId: string;
  guardrailKey: string;
  auditId: string;
  /** Strings that must not appear to a token that cannot see this side (keys, ids, SDK credentials). */
  secrets: string[];
}

export type Scope = 'project' | 'environment';

/** The GET routes that are not about a project (org-level, operations); called once per token. */
export const UNSCOPED_ROUTES = new Set([
  '/api/v1/audit-log',
  '/api/v1/audit-log/verify',
  '/api/v1/audit-log/verifications/{id}',
  '/api/v1/change-requests',
  '/api/v1/me',
  '/api/v1/members',
  '/api/v1/members/{id}',
  '/api/v1/roles',
  '/api/v1/roles/{key}',
  '/api/v1/teams',
  '/api/v1/teams/{key}',
  '/api/v1/tokens',
  '/api/v1/relay-credentials',
  '/api/v1/relay-credentials/{id}',
  '/api/v1/webhooks',
  '/api/v1/webhooks/{id}',
  '/api/v1/webhooks/{id}/deliveries',
  '/health/live',
  '/health/ready',
  '/metrics',
  // Browser sign-in plumbing: public or cookie-only, about no project; walked for leaks only.
  '/api/v1/session',
  '/auth/methods',
  '/auth/oidc/callback',
  '/auth/oidc/login',
]);

/** Path parameters of the routes about one side, by route. */
export function paramsFor(route: string, s: Side): Record<string, string> {
  const common = { projectKey: s.projectKey, envKey: s.envKey, flagKey: s.flagKey, segmentKey: s.segmentKey };
  if (route === '/api/v1/audit-log/{id}') return { id: s.auditId };
  if (route.startsWith('/api/v1/change-requests/{id}')) return { id: s.changeRequestId };
  if (/\/scheduled-changes\/\{id\}(\/occurrences)?$/.test(route)) return { ...common, id: s.scheduleId };
  if (route.endsWith('/releases/{id}')) return { ...common, id: s.releaseId };
  if (route.endsWith('/triggers/{id}')) return { ...common, id: s.triggerId };
  if (route.endsWith('/versions/{version}')) return { ...common, version: '1' };
  if (route.endsWith('/release-pipelines/{key}')) return { ...common, key: s.pipelineKey };
  if (route.endsWith('/flags/{flagKey}/release')) return { ...common, flagKey: s.pipelineFlagKey };
  // A pipeline is a release plan (the same row, README "Release plans").
  if (route.endsWith('/release-plans/{key}')) return { ...common, key: s.pipelineKey };
  if (route.endsWith('/flags/{flagKey}/release-plan')) return { ...common, flagKey: s.pipelineFlagKey };
  if (route.endsWith('/metrics/{key}')) return { ...common, key: 'no-such-metric' };
  if (route.endsWith('/freezes/{id}')) return { ...common, id: s.freezeId };
  if (route.endsWith('/guardrail-policies/{key}')) return { ...common, key: s.guardrailKey };
  return common;
}

export const fill = (route: string, params: Record<string, string>) =>
  route.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for {${name}} in ${route}`);
    return encodeURIComponent(params[name]);
  });

/**
 * Makes one side: in `envKey` of `projectKey`, the flag on, a segment, an open change request, a
 * schedule, a trigger, a release, a freeze and a guardrail policy of that environment alone, and a
 * deployment; returns the values that fill routes there and the strings that must not leak from it.
 */
export async function buildSide(
  owner: ApiClient,
  projectKey: string,
  envKey: string,
  flag: Flag,
  pipelineFlag: Flag,
): Promise<Side> {
  const at = { projectKey, flagKey: flag.key, envKey };
  const segment = await factory.segment(owner, projectKey, envKey, { key: `seg-${envKey}` });
  await factory.patchFlag(owner, projectKey, flag.key, {
    environmentKey: envKey,
    instructions: [{ kind: 'turnFlagOn' }],
  });
  const cr = ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests', {
      params: { path: at },
      body: { instructions: [{ kind: 'turnFlagOff' }], description: `cr in ${envKey}` },
    }),
  );
  const schedule = ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
      params: { path: at },
      body: {
        executionDate: new Date(Date.now() + 86_400_000).toISOString(),
        instructions: [{ kind: 'turnFlagOff' }],
      },
    }),
  );
  const trigger = ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers', {
      params: { path: at },
      body: { name: `trigger in ${envKey}`, action: { kind: 'turnFlagOff' } },
    }),
  );
  const release = ok(
    await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
      params: { path: at },
      body: { toVariationId: flag.variations[1]._id, stages: [{ weight: 100_000, durationMs: 3_600_000 }] },
    }),
  );
  // Project-level, but about this environment only: a token that cannot see it must not see them.
  const freeze = ok(
    await owner.POST('/api/v1/projects/{projectKey}/freezes', {
      params: { path: { projectKey } },
      body: {
        name: `freeze of ${envKey}`,
        environmentKeys: [envKey],
        from: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        to: new Date(Date.now() + 31 * 86_400_000).toISOString(),
      },
    }),
  );
  const guardrailKey = `guard-${envKey}`;
  ok(
    await owner.PUT('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
      params: { path: { projectKey, key: guardrailKey } },
      body: {
        name: guardrailKey,
        environmentKeys: [envKey],
        rules: [{ kind: 'maxClauseValues', effect: 'warn', max: 99 }],
      },
    }),
  );
  // A deployment of a service the flag links to: the flag's timeline lists it only where visible.
  await factory.patchFlag(owner, projectKey, flag.key, {
    instructions: [{ kind: 'setServices', values: [`svc-${projectKey}`] }],
  });
  const deployment = ok(
    await owner.POST('/api/v1/projects/{projectKey}/deployments', {
      params: { path: { projectKey } },
      body: { environment: envKey, service: `svc-${projectKey}`, version: `v-${envKey}` },
    }),
  );
  const audit = ok(
    await owner.GET('/api/v1/audit-log', {
      params: { query: { resource: `proj/${projectKey}:env/${envKey}:flag/${flag.key}`, limit: 1 } },
    }),
  );
  const project = ok(await owner.GET('/api/v1/projects/{projectKey}', { params: { path: { projectKey } } }));
  const env = project.environments.find((e) => e.key === envKey)!;
  return {
    projectKey,
    envKey,
    flagKey: flag.key,
    segmentKey: segment.key,
    pipelineKey: `pipe-${projectKey}`,
    pipelineFlagKey: pipelineFlag.key,
    changeRequestId: cr.id,
    scheduleId: schedule.id,
    releaseId: release.id,
    triggerId: trigger.id,
    freezeId: freeze.id,
    guardrailKey,
    auditId: String(audit.items[0].id),
    secrets: [
      envKey,
      segment.key,
      cr.id,
      schedule.id,
      release.id,
      trigger.id,
      freeze.id,
      guardrailKey,
      deployment.id,
      env.sdkKey!,
      env.mobileKey!,
      env.clientSideId,
    ],
  };
}
