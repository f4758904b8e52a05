import { Fields } from './instruction-fields';
import { SERVICE_PATTERN } from '../deployments/deployment-signal';
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_SERVICES, TAG_PATTERN } from './limits';

/** Name, description and tags read and combined the same way for flags and segments. */

export function readName(f: Fields): string {
  const name = f.string('value', { max: MAX_NAME_LENGTH });
  if (name.trim() === '') f.fail('must not be blank', 'value');
  return name;
}

export function readDescription(f: Fields): string {
  return f.string('value', { max: MAX_DESCRIPTION_LENGTH, allowEmpty: true });
}

function readTags(f: Fields): string[] {
  return f.stringList('values', {
    max: 64,
    pattern: TAG_PATTERN,
    patternName: 'a valid tag ([A-Za-z0-9][A-Za-z0-9._-]{0,63})',
  });
}

/** Tags are a set: stored deduplicated and sorted so that equal sets compare equal. */
export function withTags(f: Fields, tags: string[]): string[] {
  return normalizeTags([...tags, ...readTags(f)]);
}

export function withoutTags(f: Fields, tags: string[]): string[] {
  const removed = new Set(readTags(f));
  return normalizeTags(tags.filter((tag) => !removed.has(tag)));
}

function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags)].sort();
}

/**
 * The services a flag's deploys concern (deploy signals): a set like tags, stored sorted; an empty
 * list removes the field, so a flag that never linked a service and one that unlinked all compare equal.
 */
export function readServices(f: Fields): string[] | undefined {
  const services = f.stringList(
    'values',
    { max: 64, pattern: SERVICE_PATTERN, patternName: 'a valid service name ([A-Za-z0-9][A-Za-z0-9._-]{0,63})' },
    {},
  );
  if (services.length > MAX_SERVICES) f.fail(`must list at most ${MAX_SERVICES} services`, 'values');
  return services.length ? normalizeTags(services) : undefined;
}

/** A member id (UUID) or null (no maintainer). */
export function readMaintainerId(f: Fields): string | null {
  if (f.isNull('value')) return null;
  return f.string('value', { max: 64, pattern: UUID_PATTERN, patternName: 'a member id (UUID)' });
}

export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO-8601 date or date-time (stored as sent, validated as a real date), or null to clear. */
export function readPlannedRemovalDate(f: Fields): string | null {
  if (f.isNull('value')) return null;
  const value = f.string('value', { max: 40, pattern: DATE_PATTERN, patternName: 'an ISO-8601 date or date-time' });
  if (!isPlannedRemovalDate(value)) f.fail('must be an ISO-8601 date or date-time', 'value');
  return value;
}

/** Shape and calendar check of a planned removal date (also used by flag creation). */
export function isPlannedRemovalDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value.slice(0, 10);
}
