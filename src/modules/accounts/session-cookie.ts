import { createHmac } from 'node:crypto';
import { sameSecret } from './token-secret';

/** The console's session cookie. HttpOnly: page scripts never see the secret. */
export const SESSION_COOKIE = 'gantry_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_SECRET_PREFIX = 'gss_';

/** The value of cookie `name` in a Cookie header, if present and well formed. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  path?: string;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${o.path ?? '/'}`,
    `Max-Age=${o.maxAge}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * The CSRF token of a session: derived from the session's secret, so nothing more is stored and a
 * page can only learn it by asking the API with the cookie (which another origin cannot read).
 */
export const csrfTokenOf = (sessionSecret: string): string =>
  createHmac('sha256', sessionSecret).update('gantry-csrf').digest('base64url');

export const csrfMatches = (sessionSecret: string, presented: string | string[] | undefined): boolean =>
  typeof presented === 'string' && sameSecret(presented, csrfTokenOf(sessionSecret));

/** Methods that change nothing; every other cookie-authenticated request must prove it comes from the console. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
