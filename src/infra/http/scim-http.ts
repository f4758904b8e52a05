import type { ErrorCode } from '../../core/error-catalogue';
import { SCIM_URN } from '../../core/identity/scim-schema';
import type { Problem } from './problem';

/**
 * The SCIM edge (RFC 7644): under /scim/v2 every answer is application/scim+json, errors included.
 * The codes are the catalogue's, as everywhere; the body is SCIM's error message (§3.12), with
 * `status` as a string, the `scimType` a code stands for, and the code itself alongside.
 */
export const SCIM_PREFIX = '/scim/v2';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export const isScimUrl = (url: string | undefined): boolean =>
  url !== undefined && (url === SCIM_PREFIX || url.startsWith(`${SCIM_PREFIX}/`) || url.startsWith(`${SCIM_PREFIX}?`));

const SCIM_TYPES: Partial<Record<ErrorCode, string>> = {
  'scim/invalid_filter': 'invalidFilter',
  'scim/invalid_syntax': 'invalidSyntax',
  'scim/invalid_value': 'invalidValue',
  'scim/invalid_path': 'invalidPath',
  'scim/no_target': 'noTarget',
  'scim/mutability': 'mutability',
  'member/already_exists': 'uniqueness',
  'team/already_exists': 'uniqueness',
  'request/malformed_json': 'invalidSyntax',
  'request/too_deep': 'invalidSyntax',
  'request/invalid': 'invalidSyntax',
};

export interface ScimError {
  schemas: [typeof SCIM_URN.error];
  status: string;
  scimType?: string;
  detail: string;
  code: ErrorCode;
}

export function scimError(p: Problem): ScimError {
  const scimType = SCIM_TYPES[p.code];
  return {
    schemas: [SCIM_URN.error],
    status: String(p.status),
    ...(scimType ? { scimType } : {}),
    detail: p.detail,
    code: p.code,
  };
}

const OPERATIONS: Record<string, string> = { POST: 'create', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

/** Labels of gantry_scim_requests_total for one answered request (route: Fastify's template, if matched). */
export function scimRequestLabels(
  method: string,
  route: string | undefined,
  status: number,
): { resource: string; operation: string; outcome: string } {
  const resource = /^\/scim\/v2\/(Users|Groups)(\/|$)/.exec(route ?? '')?.[1];
  const one = route?.endsWith('/:id') === true;
  const operation =
    OPERATIONS[method] ?? (method === 'GET' ? (one || !resource ? 'get' : 'list') : method.toLowerCase());
  const outcome =
    status < 400
      ? 'ok'
      : status === 401 || status === 403
        ? 'denied'
        : status === 404
          ? 'not_found'
          : status === 409
            ? 'conflict'
            : status < 500
              ? 'invalid'
              : 'error';
  return { resource: resource ? resource.slice(0, -1) : route ? 'discovery' : 'unknown', operation, outcome };
}
