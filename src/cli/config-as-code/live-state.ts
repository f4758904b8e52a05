/**
 * Reads what config-as-code compares against, through the public API only: the project's
 * environments with their effective approval settings, every flag (archived too), each
 * environment's segments, and the change requests still open in the project (so a re-apply finds
 * the request it opened last time instead of opening another).
 */
import type { components } from '../../../openapi/schema';
import type { ApprovalSettings } from '../../core/approval/approval-settings';
import type { LiveFlag, LiveProject, OpenChangeRequest } from '../../core/config-as-code';
import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../../core/model/flag-config';
import { call, type GantryApi } from '../api';

type FlagDto = components['schemas']['FlagDto'];
type SegmentDto = components['schemas']['SegmentDto'];

const PAGE = 200;
/**
 * The open states (README: pending, approved, declined, scheduled): a request apply waits for or
 * must not duplicate. A declined one counts too: re-applying the same change does not quietly
 * open another request; it reports the decline (cancel the request, or change the file).
 */
export const OPEN_STATUSES = ['pending', 'approved', 'declined', 'scheduled'];

export interface LiveSnapshot {
  live: LiveProject;
  openChangeRequests: OpenChangeRequest[];
}

export async function readLiveState(api: GantryApi, projectKey: string): Promise<LiveSnapshot> {
  const project = await call(api.GET('/api/v1/projects/{projectKey}', { params: { path: { projectKey } } }));
  const environments = await Promise.all(
    project.environments.map(async (e) => ({ key: e.key, approval: await approvalSettings(api, projectKey, e.key) })),
  );
  const [flags, segmentLists, openChangeRequests] = await Promise.all([
    readFlags(api, projectKey),
    Promise.all(environments.map((e) => readSegments(api, projectKey, e.key))),
    readOpenChangeRequests(api, projectKey),
  ]);
  const segments = Object.fromEntries(environments.map((e, i) => [e.key, segmentLists[i]]));
  return { live: { key: projectKey, environments, flags, segments }, openChangeRequests };
}

async function approvalSettings(api: GantryApi, projectKey: string, envKey: string): Promise<ApprovalSettings> {
  const view = await call(
    api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
      params: { path: { projectKey, envKey } },
    }),
  );
  const { source: _source, approvalBypassed: _bypassed, ...settings } = view;
  return settings;
}

async function readFlags(api: GantryApi, projectKey: string): Promise<LiveFlag[]> {
  const out: LiveFlag[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await call(
      api.GET('/api/v1/projects/{projectKey}/flags', {
        params: { path: { projectKey }, query: { limit: PAGE, offset } },
      }),
    );
    out.push(...page.items.map(liveFlag));
    if (page.items.length < PAGE) return out;
  }
}

async function readSegments(api: GantryApi, projectKey: string, envKey: string): Promise<SegmentConfig[]> {
  const out: SegmentConfig[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await call(
      api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments', {
        params: { path: { projectKey, envKey }, query: { limit: PAGE, offset } },
      }),
    );
    out.push(...page.items.filter((s) => !s.deleted).map(segmentConfig));
    if (page.items.length < PAGE) return out;
  }
}

async function readOpenChangeRequests(api: GantryApi, projectKey: string): Promise<OpenChangeRequest[]> {
  const out: OpenChangeRequest[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      api.GET('/api/v1/change-requests', {
        params: { query: { projectKey, status: OPEN_STATUSES, limit: PAGE, ...(cursor ? { cursor } : {}) } },
      }),
    );
    out.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return out;
}

/** The API's flag as core's types (the DTOs mirror them field for field). */
export function liveFlag(dto: FlagDto): LiveFlag {
  const { environments, version, approvalBypassed: _b, warnings: _w, ...definition } = dto;
  return {
    flag: definition as unknown as FlagDefinition,
    version,
    environments: environments as unknown as Record<string, FlagEnvironmentConfig>,
  };
}

export function segmentConfig(dto: SegmentDto): SegmentConfig {
  const { approvalBypassed: _b, warnings: _w, ...segment } = dto;
  return segment as unknown as SegmentConfig;
}
