/**
 * Codes the HTTP edge adds to a route, whatever its service does, for @Problems to spread. Kept
 * apart from the decorator so specs can import them without Nest.
 */
import type { ErrorCode } from '../../core/error-catalogue';

/**
 * What the auth guard answers on every route that takes an access token (or, from the console, a
 * session cookie: an ended session, or a write without the session's CSRF token).
 */
export const AUTHENTICATED = [
  'auth/unauthenticated',
  'auth/invalid_token',
  'auth/token_revoked',
  'auth/token_expired',
  'auth/wrong_token_purpose',
  'auth/member_deactivated',
  'auth/session_invalid',
  'auth/csrf_failed',
] as const satisfies readonly ErrorCode[];

/**
 * What reading a request body can answer on any POST, PUT or PATCH: Fastify's parsing (before Nest
 * sees the request), the depth limit, and the ValidationPipe on the body DTO.
 */
export const JSON_BODY = [
  'request/invalid',
  'request/malformed_json',
  'request/too_deep',
  'request/too_large',
  'request/unsupported_media_type',
] as const satisfies readonly ErrorCode[];
