import { Fields } from './instruction-fields';
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, TAG_PATTERN } from './limits';

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
