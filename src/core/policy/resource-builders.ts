/**
 * Builders for the resources services check, so no caller assembles a path by hand and gets the
 * order or a type name wrong. Projects, flags and segments accept a bare key when tags do not
 * matter to the check; environments always need `critical`, because `{critical:true}` deny
 * statements must not be skipped just because a caller forgot to load it.
 */
import type { ResourceRef, ResourceSegment } from './resource-ref';

export interface TaggedKey {
  key: string;
  tags?: readonly string[];
}

export interface EnvironmentInfo extends TaggedKey {
  critical: boolean;
}

function tagged(type: string, resource: string | TaggedKey): ResourceSegment {
  return typeof resource === 'string'
    ? { type, key: resource, tags: [] }
    : { type, key: resource.key, tags: resource.tags ?? [] };
}

export function projectResource(project: string | TaggedKey): ResourceRef {
  return [tagged('proj', project)];
}

export function environmentResource(project: string | TaggedKey, env: EnvironmentInfo): ResourceRef {
  return [
    tagged('proj', project),
    { type: 'env', key: env.key, tags: env.tags ?? [], attributes: { critical: env.critical } },
  ];
}

export function flagResource(project: string | TaggedKey, env: EnvironmentInfo, flag: string | TaggedKey): ResourceRef {
  return [...environmentResource(project, env), tagged('flag', flag)];
}

/**
 * Every flag in every environment of a project (critical ones included), for what steers releases
 * of any of them: metric definitions, release pipelines.
 */
export function anyFlagResource(project: string | TaggedKey, flagKey = '*'): ResourceRef {
  return flagResource(project, { key: '*', critical: true, tags: [] }, { key: flagKey, tags: [] });
}

export function segmentResource(
  project: string | TaggedKey,
  env: EnvironmentInfo,
  segment: string | TaggedKey,
): ResourceRef {
  return [...environmentResource(project, env), tagged('segment', segment)];
}

export function memberResource(memberId: string): ResourceRef {
  return [{ type: 'member', key: memberId }];
}

/** A personal access token, owned by a member. */
export function personalTokenResource(memberId: string, tokenId: string): ResourceRef {
  return [
    { type: 'member', key: memberId },
    { type: 'token', key: tokenId },
  ];
}

export function serviceTokenResource(tokenId: string): ResourceRef {
  return [{ type: 'service-token', key: tokenId }];
}

export function teamResource(teamKey: string): ResourceRef {
  return [{ type: 'team', key: teamKey }];
}

export function roleResource(roleKey: string): ResourceRef {
  return [{ type: 'role', key: roleKey }];
}

export function webhookResource(webhookId: string): ResourceRef {
  return [{ type: 'webhook', key: webhookId }];
}

/** The audit log is a single resource, `audit/log`; policies grant it with `audit/*`. */
export function auditLogResource(): ResourceRef {
  return [{ type: 'audit', key: 'log' }];
}
