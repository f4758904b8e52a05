/**
 * POST /graphql with the session cookie and the CSRF header. Errors carry `extensions.code` and
 * `status` like REST problem documents, so they become the same ApiError:
 *
 *   const data = await graphql<{ changeRequests: ... }>(`query { ... }`, { id }, signal);
 */
import { csrfHeaders, noteStatus } from './client';
import { ApiError, apiErrorFrom, networkError } from './problem';

interface GraphqlError {
  message: string;
  extensions?: { code?: string; status?: number };
}

export async function graphql<T>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...csrfHeaders('POST') },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw networkError(e);
  }
  noteStatus(response.url, response.status);
  const body = (await response.json().catch(() => undefined)) as { data?: T; errors?: GraphqlError[] } | undefined;
  const first = body?.errors?.[0];
  if (first?.extensions?.code)
    throw new ApiError({
      status: first.extensions.status ?? response.status,
      code: first.extensions.code,
      title: 'The request failed',
      detail: first.message,
    });
  if (!response.ok || !body?.data) throw apiErrorFrom(response.status, body);
  return body.data;
}
