/**
 * Turns a parsed specifier into a matcher over concrete resources. All regexes are built here, once;
 * `matches` only compares types, runs prebuilt regexes and checks attribute equality.
 *
 * A resource matches when it has the same path (same depth, same type at every step) and, at every
 * step: the key matches the name glob; for a tag modifier, each tag glob matches one of the
 * resource's tags (all-of, per LaunchDarkly); for an attribute modifier, every listed attribute
 * is present and strictly equal.
 */
import type { AttributeValue } from './resource-types';
import { globToRegExp } from './glob';
import { parseResourceRef, type ResourceRef, type ResourceSegment } from './resource-ref';
import { parseResourceSpecifier, type ResourceSpecifier, type SpecifierSegment } from './resource-specifier';

export interface SpecifierMatcher {
  readonly source: string;
  /** Types joined by ':'; a resource with another path never matches. */
  readonly path: string;
  matches(ref: ResourceRef): boolean;
}

interface SegmentTest {
  type: string;
  /** null when the name is `*`, the common case, so no regex runs. */
  name: RegExp | null;
  tags: RegExp[];
  attributes: [string, AttributeValue][];
}

export function compileSpecifier(specifier: string | ResourceSpecifier): SpecifierMatcher {
  const parsed = typeof specifier === 'string' ? parseResourceSpecifier(specifier) : specifier;
  const tests = parsed.segments.map(compileSegment);
  return {
    source: parsed.source,
    path: parsed.path,
    matches: (ref) => ref.length === tests.length && tests.every((test, i) => segmentMatches(test, ref[i])),
  };
}

/**
 * One-off check, e.g. filtering audit entries by a specifier with wildcards. `ref` may be the
 * canonical string stored in the entry; it carries no tags, so tag modifiers never match it.
 * To test many resources against one specifier, compile it once with `compileSpecifier`.
 */
export function matchesSpecifier(specifier: string, ref: ResourceRef | string): boolean {
  const resource = typeof ref === 'string' ? parseResourceRef(ref) : ref;
  return compileSpecifier(specifier).matches(resource);
}

function compileSegment(segment: SpecifierSegment): SegmentTest {
  return {
    type: segment.type,
    name: segment.name === '*' ? null : globToRegExp(segment.name),
    // Tags are case-insensitive in LaunchDarkly.
    tags: (segment.tags ?? []).map((tag) => globToRegExp(tag, 'i')),
    attributes: Object.entries(segment.attributes ?? {}),
  };
}

function segmentMatches(test: SegmentTest, segment: ResourceSegment): boolean {
  if (segment.type !== test.type) return false;
  if (test.name && !test.name.test(segment.key)) return false;
  if (test.tags.length > 0) {
    const tags = segment.tags ?? [];
    if (!test.tags.every((pattern) => tags.some((tag) => pattern.test(tag)))) return false;
  }
  return test.attributes.every(([key, value]) => segment.attributes?.[key] === value);
}
