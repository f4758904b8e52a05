/**
 * Parses LaunchDarkly-style resource specifiers:
 *
 *   specifier := segment (':' segment)*
 *   segment   := type '/' name [';' modifier]
 *   name      := glob over [A-Za-z0-9._-] plus '*'   (e.g. `*`, `checkout-*`, `production`)
 *   modifier  := tag (',' tag)*                      (tags, each a glob: `beta`, `qa_*`)
 *              | '{' key ':' value (',' key ':' value)* '}'   (attributes: `{critical:true}`)
 *   value     := true | false | number | bare-word | "quoted"
 *
 * Tag lists mean ALL of the tags, as LaunchDarkly documents (`flag/*;tag1,tag2` = flags tagged
 * tag1 and tag2; "or" is written as two statements). Tags compare case-insensitively because
 * LaunchDarkly tags are not case-sensitive. One modifier per segment. Matching lives in
 * specifier-matcher.ts.
 */
import { DomainError } from '../errors';
import {
  RESOURCE_ATTRIBUTES,
  RESOURCE_PATHS,
  TAGGABLE_TYPES,
  isResourceType,
  type AttributeValue,
  type ResourceType,
} from './resource-types';

export interface SpecifierSegment {
  readonly type: ResourceType;
  /** Glob over the resource key. */
  readonly name: string;
  /** Tag globs; the resource must carry a tag matching each of them. */
  readonly tags?: readonly string[];
  /** Attributes the resource must have, each equal to the given value. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface ResourceSpecifier {
  readonly source: string;
  /** Types joined by ':', e.g. `proj:env:flag`. */
  readonly path: string;
  readonly segments: readonly SpecifierSegment[];
}

export type SpecifierParseResult = { ok: true; specifier: ResourceSpecifier } | { ok: false; reason: string };

const MAX_SPECIFIER_LENGTH = 1024;
const NAME_GLOB = /^[A-Za-z0-9*][A-Za-z0-9._*-]{0,127}$/;
const TAG_GLOB = /^[A-Za-z0-9._*-]{1,64}$/;
const WORD = /^[A-Za-z0-9._-]+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

class SpecifierSyntaxError extends Error {}
function fail(reason: string): never {
  throw new SpecifierSyntaxError(reason);
}

export function tryParseResourceSpecifier(text: unknown): SpecifierParseResult {
  try {
    return { ok: true, specifier: parse(text) };
  } catch (error) {
    if (error instanceof SpecifierSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Throws `policy/invalid_specifier` (400) with the reason, e.g. for an audit-log filter. */
export function parseResourceSpecifier(text: string): ResourceSpecifier {
  const result = tryParseResourceSpecifier(text);
  if (result.ok) return result.specifier;
  throw new DomainError('policy/invalid_specifier', `invalid resource specifier: ${result.reason}`, [
    { field: 'resource', reason: result.reason },
  ]);
}

function parse(text: unknown): ResourceSpecifier {
  if (typeof text !== 'string' || text.length === 0) fail('a resource specifier must be a non-empty string');
  const source = text;
  if (source.length > MAX_SPECIFIER_LENGTH) fail(`longer than ${MAX_SPECIFIER_LENGTH} characters`);
  const segments = splitOutsideBraces(source).map(parseSegment);
  const path = segments.map((segment) => segment.type).join(':');
  if (!RESOURCE_PATHS.has(path)) fail(`'${path.replace(/:/g, ' > ')}' is not a resource path`);
  return { source, path, segments };
}

/** Splits on ':' except inside `{...}`, where ':' separates an attribute from its value. */
function splitOutsideBraces(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '{' && ++depth > 1) fail('nested braces');
    if (char === '}' && --depth < 0) fail("unbalanced '}'");
    if (char === ':' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) fail("unclosed '{'");
  parts.push(text.slice(start));
  return parts;
}

function parseSegment(part: string): SpecifierSegment {
  if (part === '') fail('empty segment');
  const semicolon = part.indexOf(';');
  const head = semicolon < 0 ? part : part.slice(0, semicolon);
  const slash = head.indexOf('/');
  if (slash < 0) fail(`'${part}' must be written type/name`);
  const type = head.slice(0, slash);
  const name = head.slice(slash + 1);
  if (!isResourceType(type)) fail(`unknown resource type '${type}'`);
  if (!NAME_GLOB.test(name)) fail(`invalid name '${name}' for ${type}`);
  const segment = { type, name };
  if (semicolon < 0) return segment;
  const modifier = part.slice(semicolon + 1);
  if (modifier === '') fail(`empty modifier after '${head};'`);
  if (modifier.includes(';')) fail(`only one modifier is allowed on '${head}'`);
  return modifier.startsWith('{')
    ? { ...segment, attributes: parseAttributes(segment.type, modifier) }
    : { ...segment, tags: parseTags(segment.type, modifier) };
}

function parseTags(type: ResourceType, modifier: string): string[] {
  if (!TAGGABLE_TYPES.has(type)) fail(`${type} resources have no tags`);
  const tags = modifier.split(',');
  const bad = tags.find((tag) => !TAG_GLOB.test(tag));
  if (bad !== undefined) fail(`invalid tag '${bad}'`);
  return tags;
}

function parseAttributes(type: ResourceType, modifier: string): Record<string, AttributeValue> {
  if (!modifier.endsWith('}')) fail(`unexpected text after '}' in '${modifier}'`);
  const known = RESOURCE_ATTRIBUTES[type] ?? {};
  const attributes: Record<string, AttributeValue> = {};
  for (const pair of modifier.slice(1, -1).split(',')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) fail(`attribute '${pair}' must be written key:value`);
    const key = pair.slice(0, colon);
    const kind = Object.prototype.hasOwnProperty.call(known, key) ? known[key] : undefined;
    if (!kind) fail(`${type} resources have no attribute '${key}'`);
    if (key in attributes) fail(`attribute '${key}' is given twice`);
    const value = parseValue(pair.slice(colon + 1));
    if (typeof value !== kind) fail(`attribute '${key}' must be a ${kind}`);
    attributes[key] = value;
  }
  return attributes;
}

function parseValue(raw: string): AttributeValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (NUMBER.test(raw)) return Number(raw);
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') && !raw.slice(1, -1).includes('"')) {
    return raw.slice(1, -1);
  }
  if (WORD.test(raw)) return raw;
  return fail(`invalid attribute value '${raw}'`);
}
