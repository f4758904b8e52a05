/**
 * The resource types a policy can name, and the only shapes (paths from the root) they appear in.
 * A resource specifier or a concrete resource must follow one of these paths exactly, so a typo like
 * `proj/*:flag/*` is rejected when the policy is saved instead of silently matching nothing.
 */

export type ResourceType =
  'proj' | 'env' | 'flag' | 'segment' | 'member' | 'token' | 'team' | 'role' | 'service-token' | 'webhook' | 'audit';

/** Every valid path, written as the types joined by ':' (this string is also the CASL subject type). */
export const RESOURCE_PATHS: ReadonlySet<string> = new Set([
  'proj',
  'proj:env',
  'proj:env:flag',
  'proj:env:segment',
  'member',
  // Personal access tokens live under their owner, as in LaunchDarkly: member/<id>:token/<id>.
  'member:token',
  'team',
  'role',
  'service-token',
  'webhook',
  // The audit log is one resource, written `audit/*` in policies and `audit/log` concretely.
  'audit',
]);

const RESOURCE_TYPES: ReadonlySet<string> = new Set([...RESOURCE_PATHS].flatMap((path) => path.split(':')));

export function isResourceType(value: string): value is ResourceType {
  return RESOURCE_TYPES.has(value);
}

/** Types that carry tags; a tag modifier on any other type could never match, so it is rejected. */
export const TAGGABLE_TYPES: ReadonlySet<ResourceType> = new Set<ResourceType>(['proj', 'env', 'flag', 'segment']);

export type AttributeValue = string | number | boolean;
type AttributeKind = 'string' | 'number' | 'boolean';

/**
 * Attributes a `{key:value}` modifier may test, per type. Kept closed on purpose: a misspelt
 * attribute in a deny statement (`{critcal:true}`) would otherwise never match and quietly widen
 * access. LaunchDarkly documents `{critical:true}` on environments; that is all Gantry needs today.
 */
export const RESOURCE_ATTRIBUTES: Readonly<Partial<Record<ResourceType, Record<string, AttributeKind>>>> = {
  env: { critical: 'boolean' },
};

export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
