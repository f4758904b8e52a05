/**
 * The one place the CLI talks HTTP: the typed client generated from `openapi/` (openapi-fetch) and a
 * helper that turns its `{data, error}` results into a value or a CliApiError carrying the problem
 * document's code, so commands read like the happy path.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../openapi/schema';
import { CliApiError, CliNetworkError, type FieldError } from './cli-errors';

export type GantryApi = Client<paths>;

/** The break-glass header the API documents (same as a body `bypass: {reason}`). */
export const BYPASS_HEADER = 'X-Gantry-Bypass-Reason';

const USER_AGENT = 'gantry-cli/0.1.0';

export function createApi(baseUrl: string, token: string | undefined): GantryApi {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  if (token) headers.authorization = `Bearer ${token}`;
  const root = baseUrl.replace(/\/+$/, '');
  // A refused connection is reported with the URL tried, which is what a user needs to fix it.
  const fetchOrExplain = async (request: Request) => {
    try {
      return await fetch(request);
    } catch (error) {
      throw networkError(error, root);
    }
  };
  return createClient<paths>({ baseUrl: root, headers, fetch: fetchOrExplain });
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call: its data, or a CliApiError / CliNetworkError. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  return (await callWithResponse(request)).data;
}

/** Like `call`, also returning the response (for headers such as `X-Gantry-Approval-Bypassed`). */
export async function callWithResponse<T>(request: Promise<Result<T>>): Promise<{ data: T; response: Response }> {
  let result: Result<T>;
  try {
    result = await request;
  } catch (error) {
    throw error instanceof CliNetworkError ? error : networkError(error);
  }
  if (result.error === undefined && result.response.ok) return { data: result.data as T, response: result.response };
  throw problemError(result.response, result.error);
}

function problemError(response: Response, body: unknown): CliApiError {
  if (isProblem(body)) {
    return new CliApiError(
      body.status ?? response.status,
      body.code,
      body.title ?? response.statusText,
      body.detail,
      body.errors,
    );
  }
  const text = typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : undefined;
  return new CliApiError(response.status, undefined, `HTTP ${response.status} ${response.statusText}`.trim(), text);
}

interface Problem {
  code: string;
  status?: number;
  title?: string;
  detail?: string;
  errors?: FieldError[];
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}

/** fetch rejects with `TypeError: fetch failed` and the reason (ECONNREFUSED, ENOTFOUND…) as its cause. */
function networkError(error: unknown, url?: string): CliNetworkError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new CliNetworkError(`cannot reach Gantry${url ? ` at ${url}` : ''}: ${reason}`);
}
