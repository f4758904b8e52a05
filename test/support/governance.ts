/**
 * Helpers for governance tests: members with personal tokens, approval settings, and the
 * change-request calls, all through the typed client.
 */
import type { paths } from '../../openapi/schema';
import type { ApiClient, Gantry } from './app-harness';
import { factory, ok, type Schemas } from './factories';

export type ChangeRequest = Schemas['ChangeRequestDto'];

/** A member with a built-in role and a personal token, and a client acting as them. */
export async function memberWithToken(
  g: Gantry,
  owner: ApiClient,
  role: 'reader' | 'writer' | 'admin',
  teamKeys?: string[],
) {
  const member = await factory.member(owner, { role, ...(teamKeys ? { teamKeys } : {}) });
  const token = await factory.token(owner, { name: `${member.email} token`, memberId: member.id });
  return { member, token: token.token, api: g.client(token.token) };
}

/**
 * A project with a staging and a critical production environment, two writers (alice requests,
 * bob reviews) and a reader: the cast of most change-request tests.
 */
export async function projectWithReviewers(g: Gantry, owner: ApiClient) {
  const project = await factory.project(owner, {
    environments: ['staging', { key: 'production', name: 'Production', critical: true }],
  });
  const [alice, bob, reader] = await Promise.all([
    memberWithToken(g, owner, 'writer'),
    memberWithToken(g, owner, 'writer'),
    memberWithToken(g, owner, 'reader'),
  ]);
  return { project, alice, bob, reader };
}

export async function setApprovalSettings(
  api: ApiClient,
  projectKey: string,
  envKey: string,
  body: Schemas['ApprovalSettingsDto'],
  // Settings of an environment that already requires approval are governed: set-up by the owner
  // breaks glass explicitly (a retroactive review is opened); elsewhere the reason is not needed.
  bypassReason = 'test set-up: approval settings',
) {
  return ok(
    await api.PUT('/api/v1/projects/{projectKey}/environments/{envKey}/approval-settings', {
      params: { path: { projectKey, envKey } },
      body,
      headers: { 'x-gantry-bypass-reason': bypassReason },
    }),
  );
}

export async function openFlagRequest(
  api: ApiClient,
  projectKey: string,
  flagKey: string,
  envKey: string,
  body: Schemas['CreateFlagChangeRequestDto'],
): Promise<ChangeRequest> {
  return ok(
    await api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests', {
      params: { path: { projectKey, flagKey, envKey } },
      body,
    }),
  );
}

export function review(api: ApiClient, id: string, decision: 'approve' | 'decline' | 'comment', comment?: string) {
  return api.POST('/api/v1/change-requests/{id}/reviews', {
    params: { path: { id } },
    body: { decision, ...(comment ? { comment } : {}) },
  });
}

export function apply(api: ApiClient, id: string, body: Schemas['ApplyChangeRequestDto'] = {}) {
  return api.POST('/api/v1/change-requests/{id}/apply', { params: { path: { id } }, body });
}

export async function flagIn(api: ApiClient, projectKey: string, flagKey: string) {
  return ok(
    await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', { params: { path: { projectKey, flagKey } } }),
  );
}

// ---- Added for the approvals e2e files (conflicts, concurrency, impact, bad input, notifications). ----

export type SegmentInstruction = Schemas['PatchSegmentDto']['instructions'][number];
export type AuditEntry = Schemas['AuditEntryDto'];

/** A service token (no member behind it) with a built-in role, and a client acting as it. */
export async function serviceTokenWithClient(g: Gantry, owner: ApiClient, role: 'reader' | 'writer' | 'admin') {
  const created = await factory.token(owner, { role });
  return { id: created.id, token: created.token, api: g.client(created.token) };
}

/** Opens a change request on a segment (the typed-client call, for tests that look at refusals). */
export function openSegmentRequestCall(
  api: ApiClient,
  projectKey: string,
  envKey: string,
  segmentKey: string,
  body: Schemas['CreateSegmentChangeRequestDto'],
) {
  return api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}/change-requests', {
    params: { path: { projectKey, envKey, segmentKey } },
    body,
  });
}

/** The typed-client call that opens a flag change request (for tests that look at refusals). */
export function openFlagRequestCall(
  api: ApiClient,
  projectKey: string,
  flagKey: string,
  envKey: string,
  body: Schemas['CreateFlagChangeRequestDto'],
) {
  return api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/change-requests', {
    params: { path: { projectKey, flagKey, envKey } },
    body,
  });
}

export function getChangeRequest(api: ApiClient, id: string) {
  return api.GET('/api/v1/change-requests/{id}', { params: { path: { id } } });
}

export function editChangeRequest(api: ApiClient, id: string, body: Schemas['UpdateChangeRequestDto']) {
  return api.PATCH('/api/v1/change-requests/{id}', { params: { path: { id } }, body });
}

export function rebase(api: ApiClient, id: string) {
  return api.POST('/api/v1/change-requests/{id}/rebase', { params: { path: { id } } });
}

export function cancel(api: ApiClient, id: string) {
  return api.POST('/api/v1/change-requests/{id}/cancel', { params: { path: { id } } });
}

type ChangeRequestQuery = NonNullable<paths['/api/v1/change-requests']['get']['parameters']['query']>;

/** GET /api/v1/change-requests with filters; fails the test if refused. */
export async function listChangeRequests(api: ApiClient, query: ChangeRequestQuery) {
  return ok(await api.GET('/api/v1/change-requests', { params: { query } }));
}

/** Audit entries of a resource (and its children), optionally of one action, newest first. */
export async function auditOf(api: ApiClient, resource: string, action?: string): Promise<AuditEntry[]> {
  return ok(
    await api.GET('/api/v1/audit-log', { params: { query: { resource, ...(action ? { action } : {}), limit: 200 } } }),
  ).items;
}

/** The audit resource of a flag in one environment, as the write path records it. */
export const flagAuditResource = (projectKey: string, envKey: string, flagKey: string) =>
  `proj/${projectKey}:env/${envKey}:flag/${flagKey}`;
