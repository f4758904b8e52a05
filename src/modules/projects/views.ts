import type { EnvironmentRow, ProjectWithEnvs } from './projects.repository';

/** Keys are secrets: they appear only for callers allowed `viewSdkKey` on the environment. */
export const environmentView = (e: EnvironmentRow, withKeys: boolean) => ({
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

export const projectView = (p: ProjectWithEnvs, canViewKeys: (e: EnvironmentRow) => boolean) => ({
  key: p.key,
  name: p.name,
  tags: p.tags,
  createdAt: p.createdAt.toISOString(),
  environments: p.environments.map((e) => environmentView(e, canViewKeys(e))),
});

/** What audit entries keep of an environment: never its keys. */
export const environmentAuditView = (e: EnvironmentRow) => environmentView(e, false);
