/**
 * The concrete side of authorization: the resource a request touches, as its path from the root
 * (`proj/p` → `env/production` → `flag/f`), each step carrying the tags and attributes that
 * specifier modifiers test. `formatResource` gives the canonical string stored in audit entries.
 */
import { DomainError } from '../errors';
import { KEY_PATTERN, RESOURCE_PATHS, type AttributeValue } from './resource-types';

export interface ResourceSegment {
  readonly type: string;
  readonly key: string;
  readonly tags?: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** Path from the root to the resource, e.g. [proj, env, flag]. */
export type ResourceRef = readonly ResourceSegment[];

/** Canonical specifier without modifiers: `proj/p:env/production:flag/f`. */
export function formatResource(ref: ResourceRef): string {
  return ref.map((segment) => `${segment.type}/${segment.key}`).join(':');
}

/** The types of a ref joined by ':' (`proj:env:flag`); also the CASL subject type. */
export function resourcePath(ref: ResourceRef): string {
  return ref.map((segment) => segment.type).join(':');
}

/**
 * Reads a canonical string back (as stored in an audit entry). It carries no tags or attributes,
 * so specifiers with modifiers never match the result.
 */
export function parseResourceRef(canonical: string): ResourceRef {
  const segments = canonical.split(':').map((part) => {
    const slash = part.indexOf('/');
    return { type: part.slice(0, slash), key: slash < 0 ? '' : part.slice(slash + 1) };
  });
  const bad = segments.find((segment) => !KEY_PATTERN.test(segment.key));
  if (bad || !RESOURCE_PATHS.has(resourcePath(segments))) {
    throw new DomainError('policy/invalid_resource', `'${canonical}' is not a resource`, [
      { field: 'resource', reason: bad ? `invalid key in '${bad.type}/${bad.key}'` : 'unknown resource path' },
    ]);
  }
  return segments;
}
