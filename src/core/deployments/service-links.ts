import type { FlagDefinition } from '../model/flag-config';

/**
 * Which flags a deploy of a service concerns. A flag links to a service by its explicit `services`
 * list (set with the `setServices` instruction) or by a tag `service.<name>`. Tags cannot hold a
 * colon (it separates the parts of a policy resource specifier such as `proj/*:env/*:flag/*;tag`),
 * hence the dot. Names are compared exactly: `Checkout` and `checkout` are two services.
 */
export const SERVICE_TAG_PREFIX = 'service.';

export const serviceTag = (service: string): string => `${SERVICE_TAG_PREFIX}${service}`;

/** Every service a flag links to, from both sources, deduplicated and sorted. */
export function servicesOf(flag: Pick<FlagDefinition, 'tags' | 'services'>): string[] {
  const fromTags = flag.tags
    .filter((t) => t.startsWith(SERVICE_TAG_PREFIX))
    .map((t) => t.slice(SERVICE_TAG_PREFIX.length));
  return [...new Set([...(flag.services ?? []), ...fromTags].filter((s) => s !== ''))].sort();
}

export function linksToService(flag: Pick<FlagDefinition, 'tags' | 'services'>, service: string): boolean {
  return (flag.services ?? []).includes(service) || flag.tags.includes(serviceTag(service));
}

/** Keys of the live (non-archived) flags a deploy of `service` concerns, sorted. */
export function flagKeysForService(
  flags: readonly Pick<FlagDefinition, 'key' | 'tags' | 'services' | 'archived'>[],
  service: string,
): string[] {
  return flags
    .filter((f) => !f.archived && linksToService(f, service))
    .map((f) => f.key)
    .sort();
}
