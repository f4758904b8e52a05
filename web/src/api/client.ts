/**
 * The typed REST client: openapi-fetch over the public API (types generated from the controllers into
 * openapi/schema.d.ts), with the browser session's cookie. Pages call it through `request()`, which
 * returns the data or throws an ApiError:
 *
 *   const flags = await request(api.GET('/api/v1/projects/{projectKey}/flags', { params: { path: { projectKey } }, signal }));
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../openapi/schema';
import { apiErrorFrom, networkError } from './problem';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Where a 401 is expected and handled by the caller (signing in, checking the session), not a lost session. */
const SESSION_PATH = '/api/v1/session';

let csrfToken: string | undefined;
let sessionLost: (() => void) | undefined;

/** Set by the session context: every cookie-authenticated mutation must echo it (X-CSRF-Token). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a call answers 401 after sign-in (the session expired or was revoked elsewhere). */
export function onSessionLost(handler: (() => void) | undefined): void {
  sessionLost = handler;
}

/** The CSRF header a request with `method` needs (none for safe methods). */
export function csrfHeaders(method: string): Record<string, string> {
  return !SAFE_METHODS.has(method.toUpperCase()) && csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** Reports a 401 from anywhere but the session endpoint itself as a lost session. */
export function noteStatus(url: string, status: number): void {
  if (status === 401 && new URL(url, window.location.origin).pathname !== SESSION_PATH) sessionLost?.();
}

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(csrfHeaders(request.method))) request.headers.set(name, value);
    return request;
  },
  onResponse({ request, response }) {
    noteStatus(request.url, response.status);
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(sessionMiddleware);

/** The data of an openapi-fetch call, or an ApiError (problem+json, or the network failing). */
export async function request<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw networkError(e);
  }
  if (!result.response.ok) throw apiErrorFrom(result.response.status, result.error);
  return result.data as T;
}
