/**
 * Helpers for the SCIM tests: a SCIM token issued through the tokens API as an operator would, and
 * a client that speaks to /scim/v2 the way identity providers do (application/scim+json bodies).
 */
import type { Gantry, RawResponse } from './app-harness';
import { factory } from './factories';

export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Issues a token of purpose scim as the owner; returns its secret and id. */
export async function issueScimToken(g: Gantry, name: string): Promise<{ token: string; id: string }> {
  const t = await factory.token(g.client(g.ownerToken), { name, purpose: 'scim' });
  return { token: t.token, id: t.id };
}

export type ScimCall = <T = any>(method: string, path: string, body?: unknown) => Promise<RawResponse<T>>;

/** Calls `/scim/v2<path>` with `token` and a SCIM JSON body. */
export function scimClient(g: Gantry, token: string | undefined): ScimCall {
  return (method, path, body) =>
    g.raw(method, `/scim/v2${path}`, {
      ...(token ? { token } : {}),
      ...(body !== undefined ? { body, headers: { 'content-type': 'application/scim+json' } } : {}),
    });
}

/** `?filter=` written as identity providers write it, URL-encoded. */
export const filterQuery = (filter: string, extra = '') => `?filter=${encodeURIComponent(filter)}${extra}`;

export const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_URN], Operations });

/** A member with a personal token (to show deactivation ends it) and a browser session row. */
export async function personalTokenAndSession(g: Gantry, memberId: string) {
  const token = await factory.token(g.client(g.ownerToken), { name: `personal of ${memberId}`, memberId });
  await g.sql(
    `INSERT INTO "Session" (id, hash, "memberId", method, "expiresAt")
     VALUES (gen_random_uuid(), md5(random()::text), $1, 'token', now() + interval '1 hour')`,
    [memberId],
  );
  return token.token;
}

/** The member's tokens and sessions: how many are not revoked. */
export async function liveCredentials(g: Gantry, memberId: string) {
  const [tokens] = await g.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM "AccessToken" WHERE "memberId" = $1 AND "revokedAt" IS NULL`,
    [memberId],
  );
  const [sessions] = await g.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Session" WHERE "memberId" = $1 AND "revokedAt" IS NULL`,
    [memberId],
  );
  return { tokens: tokens.n, sessions: sessions.n };
}
