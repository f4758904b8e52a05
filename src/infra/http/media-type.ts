import { DomainError } from '../../core/errors';

/**
 * Routes whose body may be something other than JSON: a trigger URL is called by monitoring tools
 * with whatever they send (kept as text), and GraphQL has its own parsers (application/graphql).
 */
const ANY_BODY_ROUTES = new Set(['/api/v1/triggers/:secret', '/graphql']);

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * A body on a JSON route must be JSON. Fastify answers 415 itself for types it has no parser for,
 * but it parses text/plain (for the routes above), which would reach the validators as a string.
 */
export function refuseNonJsonBody(route: string | undefined, contentType: string | undefined, body: unknown) {
  if (body === undefined || (route !== undefined && ANY_BODY_ROUTES.has(route))) return undefined;
  if (contentType !== undefined && JSON_TYPE.test(contentType)) return undefined;
  const type = contentType?.split(';')[0].trim() || 'none';
  return new DomainError('request/unsupported_media_type', `this route takes application/json bodies, not ${type}`, [
    { field: 'content-type', reason: `${type} is not application/json` },
  ]);
}
