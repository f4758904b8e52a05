/**
 * Finding flag keys in source text: the default patterns are the key quoted (`'k'`, `"k"`, `` `k` ``);
 * a custom pattern is a regular expression whose first capture group (or whole match) is the key.
 * Only keys the project has count: a string that looks like a key but names no flag is no reference.
 */

export interface FoundReference {
  flagKey: string;
  /** 1-based. */
  line: number;
  /** The line, trimmed and cut to CONTEXT_MAX characters. */
  context: string;
}

export const CONTEXT_MAX = 200;

export interface KeyPattern {
  regex: RegExp;
  /** The capture group holding the key. */
  group: number;
}

/** A quoted token made of the characters flag keys may contain; always applied. */
export const DEFAULT_PATTERNS: readonly KeyPattern[] = [{ regex: /(['"`])([A-Za-z0-9][A-Za-z0-9._-]*)\1/g, group: 2 }];

/** Compiles a --pattern: the key is its first capture group, or the whole match when it has none. */
export function compilePattern(source: string): KeyPattern {
  const regex = new RegExp(source, 'g');
  const groups = new RegExp(`${source}|`).exec('')!.length - 1;
  return { regex, group: groups > 0 ? 1 : 0 };
}

/** Every (key, line) occurrence in `text`, by the default patterns and `extra`; one reference per key per line. */
export function findReferences(
  text: string,
  keys: ReadonlySet<string>,
  extra: readonly KeyPattern[] = [],
): FoundReference[] {
  const patterns = [...DEFAULT_PATTERNS, ...extra];
  const found: FoundReference[] = [];
  text.split(/\r?\n/).forEach((content, i) => {
    const seen = new Set<string>();
    for (const p of patterns) {
      const re = new RegExp(p.regex.source, p.regex.flags.includes('g') ? p.regex.flags : `${p.regex.flags}g`);
      for (let m = re.exec(content); m; m = re.exec(content)) {
        if (m[0] === '') re.lastIndex++;
        const key = m[p.group];
        if (key && keys.has(key) && !seen.has(key)) {
          seen.add(key);
          found.push({ flagKey: key, line: i + 1, context: content.trim().slice(0, CONTEXT_MAX) });
        }
      }
    }
  });
  return found;
}

/** Whether a buffer's start looks binary (a NUL byte in the first 8 KiB, as git decides). */
export function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 8192);
  for (let i = 0; i < n; i++) if (head[i] === 0) return true;
  return false;
}
