import type { EnvironmentContext, ProjectContext } from './project-context';

/** Keys are secrets: they appear only for callers allowed `viewSdkKey` on the environment. */
export const environmentView = (e: EnvironmentContext, withKeys: boolean) => ({
  key: e.key,
  name: e.name,
  color: e.color,
  critical: e.critical,
  tags: e.tags,
  revision: Number(e.revision),
  clientSideId: e.clientSideId,
  sdkKey: withKeys ? e.sdkKey : null,
  mobileKey: withKeys ? e.mobileKey : null,
  createdAt: e.createdAt.toISOString(),
});

export const projectView = (p: ProjectContext, canViewKeys: (e: EnvironmentContext) => boolean) => ({
  key: p.key,
  name: p.name,
  tags: p.tags,
  createdAt: p.createdAt.toISOString(),
  environments: p.environments.map((e) => environmentView(e, canViewKeys(e))),
});

/** What audit entries keep of an environment: never its keys. */
export const environmentAuditView = (e: EnvironmentContext) => environmentView(e, false);
