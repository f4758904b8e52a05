/** The flag page's calls to the public REST API, in one place (the components only render). */
import type { components } from '../../../../openapi/schema';
import { api, request } from '../../api/client';
import { ApiError } from '../../api/problem';

type Schemas = components['schemas'];
export type Flag = Schemas['FlagDto'];
export type Environment = Schemas['EnvironmentDto'];
export type FlagVersion = Schemas['FlagVersionDto'];
export type FlagVersionPage = Schemas['FlagVersionListDto'];
export type ApprovalSettings = Schemas['ApprovalSettingsViewDto'];
export type ChangeRequest = Schemas['ChangeRequestDto'];
export type RestoreResult = Schemas['RestoreResultDto'];
export type Deployment = Schemas['DeploymentDto'];

/** Which flag in which environment. */
export interface FlagRef {
  projectKey: string;
  flagKey: string;
  envKey: string;
}

export const VERSIONS_PAGE = 20;
/** Requests that may still change the flag: the ones worth linking from its page. */
export const OPEN_STATUSES = ['pending', 'approved', 'scheduled'];

export async function loadFlagAndEnvironments(projectKey: string, flagKey: string, signal: AbortSignal) {
  const [flag, environments] = await Promise.all([
    request(
      api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', { params: { path: { projectKey, flagKey } }, signal }),
    ),
    request(api.GET('/api/v1/projects/{projectKey}/environments', { params: { path: { projectKey } }, signal })),
  ]);
  return { flag, environments: environments.items };
}

export function loadFlag(projectKey: string, flagKey: string, signal: AbortSignal): Promise<Flag> {
  return request(
    api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', { params: { path: { projectKey, flagKey } }, signal }),
  );
}

/**
 * The environment's approval settings, or null when the caller may not read them (a 403): the page
 * then says it does not know rather than failing.
 */
export async function loadApprovalSettings(
  projectKey: string,
  envKey: string,
  signal: AbortSignal,
): Promise<ApprovalSettings | null> {
  try {
    return await request(
      api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
        params: { path: { projectKey, envKey } },
        signal,
      }),
    );
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return null;
    throw e;
  }
}

export async function loadOpenChangeRequests(ref: FlagRef, signal: AbortSignal): Promise<ChangeRequest[]> {
  const page = await request(
    api.GET('/api/v1/change-requests', {
      params: {
        query: {
          projectKey: ref.projectKey,
          environmentKey: ref.envKey,
          resourceKind: 'flag',
          resourceKey: ref.flagKey,
          // The API takes a comma-separated list.
          status: [OPEN_STATUSES.join(',')],
          limit: 50,
        },
      },
      signal,
    }),
  );
  return page.items;
}

/** One page of the environment's versions, newest first; `before` is the previous page's `next`. */
export function loadVersions(ref: FlagRef, before: number | undefined, signal?: AbortSignal): Promise<FlagVersionPage> {
  return request(
    api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
      params: { path: ref, query: { limit: VERSIONS_PAGE, ...(before !== undefined ? { before } : {}) } },
      signal,
    }),
  );
}

export function loadVersion(ref: FlagRef, version: number, signal: AbortSignal): Promise<FlagVersion> {
  return request(
    api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions/{version}', {
      params: { path: { ...ref, version } },
      signal,
    }),
  );
}

/** POST …/versions/{version}/restore: a dry run previews; otherwise it writes or opens a change request. */
export function restoreVersion(
  ref: FlagRef,
  version: number,
  body: Schemas['RestoreFlagVersionDto'],
  signal?: AbortSignal,
): Promise<RestoreResult> {
  return request(
    api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions/{version}/restore', {
      params: { path: { ...ref, version } },
      body,
      signal,
    }),
  );
}

export const DEPLOYMENTS_SHOWN = 10;

/** The latest deployments of the services the flag links to, in one environment (the flag's timeline). */
export async function loadDeployments(ref: FlagRef, signal: AbortSignal): Promise<Deployment[]> {
  const page = await request(
    api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/deployments', {
      params: {
        path: { projectKey: ref.projectKey, flagKey: ref.flagKey },
        query: { environment: ref.envKey, limit: DEPLOYMENTS_SHOWN },
      },
      signal,
    }),
  );
  return page.items;
}
